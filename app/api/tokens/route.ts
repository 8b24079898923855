import { createTokenBodySchema, type ListTokensResponse } from "@/lib/contracts/api-token-schemas";
import { createApiToken, listApiTokens } from "@/server/auth/api-tokens";
import { route } from "@/server/http/route";
import { enforceRateLimit } from "@/server/ops/rate-limit";

// Token management needs the session ("session" auth): a leaked token must not be able to mint more tokens.

// GET /api/tokens - the caller's active API tokens (never the secret or its hash)
export const GET = route({ name: "GET /api/tokens", auth: "session" }, async ({ user }) => {
  const response: ListTokensResponse = { tokens: await listApiTokens(user.id) };
  return Response.json(response);
});

// POST /api/tokens - mint a token; the secret is in this answer only
export const POST = route({ name: "POST /api/tokens", auth: "session", body: createTokenBodySchema }, async ({ user, body }) => {
  await enforceRateLimit("token-changes", user.id);
  return Response.json(await createApiToken(user.id, body.name), { status: 201 });
});
