import { listActiveApiTokens } from "@/db/queries/api-tokens";
import { createTokenBodySchema, type ListTokensResponse } from "@/lib/contracts/api-token-schemas";
import { createApiToken, toApiTokenDto } from "@/server/auth/api-tokens";
import { getCurrentUser } from "@/server/auth/auth";
import { parseJsonBody } from "@/server/http/parse";
import { logged } from "@/server/http/request-log";

// Token management needs the session: a leaked token must not be able to mint more tokens.
const SESSION_ONLY = { allowApiToken: false };

// GET /api/tokens - the caller's active API tokens (never the secret or its hash)
async function handleGET(req: Request) {
  const user = await getCurrentUser(req, SESSION_ONLY);
  const tokens = await listActiveApiTokens({ userId: user.id });
  const response: ListTokensResponse = { tokens: tokens.map(toApiTokenDto) };
  return Response.json(response);
}

// POST /api/tokens - mint a token; the secret is in this answer only
async function handlePOST(req: Request) {
  const user = await getCurrentUser(req, SESSION_ONLY);
  const body = await parseJsonBody(req, createTokenBodySchema);
  return Response.json(await createApiToken(user.id, body.name), { status: 201 });
}

export const GET = logged("GET /api/tokens", handleGET);
export const POST = logged("POST /api/tokens", handlePOST);
