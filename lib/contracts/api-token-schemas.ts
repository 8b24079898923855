import { z } from "zod";
import { displayNameSchema } from "./display-name";

/** Names tell tokens apart on the settings page; they are never secret. */
export const MAX_TOKEN_NAME_LENGTH = 100;
/** Active (unrevoked) tokens one person may hold; revoked ones don't count. */
export const MAX_ACTIVE_TOKENS_PER_USER = 50;

export const createTokenBodySchema = z.object({
  name: displayNameSchema(MAX_TOKEN_NAME_LENGTH),
});
export type CreateTokenBody = z.infer<typeof createTokenBodySchema>;

/** A token as the API shows it: never the secret or its hash. */
export type ApiTokenDto = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null };

/** `secret` is the whole token, returned by this one response and never again. */
export type CreateTokenResponse = { token: ApiTokenDto; secret: string };
export type ListTokensResponse = { tokens: ApiTokenDto[] };
