/** The browser's calls to the token routes; errors are thrown as ApiError, like the upload API's. */
import { callApi as call, jsonRequest } from "./api-fetch";
import type { CreateTokenResponse, ListTokensResponse } from "@/lib/contracts/api-token-schemas";

// GET /api/tokens - the signed-in person's active tokens
export function listTokens(): Promise<ListTokensResponse> {
  return call("/api/tokens");
}

// POST /api/tokens - mint a token; the answer holds its secret, shown once
export function createToken(name: string): Promise<CreateTokenResponse> {
  return call("/api/tokens", jsonRequest("POST", { name }));
}

// DELETE /api/tokens/{id} - revoke a token
export function revokeToken(id: string): Promise<void> {
  return call(`/api/tokens/${encodeURIComponent(id)}`, { method: "DELETE" });
}
