import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { ApiToken, User } from "@/db/schema";
import { createApiTokenRow, getActiveApiTokenByHash, listActiveApiTokens, revokeApiToken as revokeApiTokenRow, touchApiToken } from "@/db/queries/api-tokens";
import { MAX_ACTIVE_TOKENS_PER_USER, type ApiTokenDto, type CreateTokenResponse } from "@/lib/contracts/api-token-schemas";
import { revokeShareLinksOfToken } from "@/db/queries/share-links";
import { AppError } from "@/server/http/app-error";

/** Marks the string as this app's token, so secret scanners and people can recognise a leak. */
export const TOKEN_PREFIX = "upl_";
/** 256 bits from the OS CSPRNG: far beyond guessing, so a fast hash (no salt, no stretching) is enough. */
const TOKEN_BYTES = 32;
/** `upl_` + 43 base64url characters (32 bytes, unpadded). */
const TOKEN_PATTERN = /^upl_[A-Za-z0-9_-]{43}$/;
/** Characters kept in the clear to tell tokens apart: `upl_` plus 6 of the random part. */
const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;
/** last_used_at is written at most this often per token, so a busy script doesn't write every call. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** SHA-256 hex of the whole token: what the database stores and looks up. */
export function hashApiToken(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function toApiTokenDto(token: ApiToken): ApiTokenDto {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}

/** Mints a token; the secret exists only in this answer, the database keeps its hash. */
export async function createApiToken(userId: string, name: string): Promise<CreateTokenResponse> {
  const secret = TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString("base64url");
  const token = await createApiTokenRow({
    userId,
    name,
    tokenHash: hashApiToken(secret),
    prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH),
    maxActive: MAX_ACTIVE_TOKENS_PER_USER,
  });
  if (!token) {
    throw new AppError("conflict", `You already have ${MAX_ACTIVE_TOKENS_PER_USER} active tokens; revoke one first.`);
  }
  return { token: toApiTokenDto(token), secret };
}

/** An active token and its owner, or null for anything malformed, unknown or revoked. */
export async function authenticateApiToken(secret: string): Promise<{ token: ApiToken; user: User } | null> {
  if (!TOKEN_PATTERN.test(secret)) return null;
  const found = await getActiveApiTokenByHash({ tokenHash: hashApiToken(secret) });
  if (!found) return null;
  const staleBefore = new Date(Date.now() - LAST_USED_RESOLUTION_MS);
  if (!found.token.lastUsedAt || found.token.lastUsedAt < staleBefore) {
    await touchApiToken({ id: found.token.id, staleBefore });
  }
  return found;
}

/** The user's active tokens as the API shows them (never the secret or its hash). */
export async function listApiTokens(userId: string): Promise<ApiTokenDto[]> {
  return (await listActiveApiTokens({ userId })).map(toApiTokenDto);
}

/**
 * Revokes one of the user's tokens and the share links it made; a token that is not theirs is not
 * found. The links stop working with the token (their lookups require it active); revoking them
 * too takes them off the file's list of links.
 */
export async function revokeApiToken(userId: string, id: string): Promise<void> {
  if (!(await revokeApiTokenRow({ id, userId }))) throw new AppError("not_found", "No such token.");
  await revokeShareLinksOfToken({ tokenId: id });
}
