/** Account routes, as the sign-up page calls them; errors are thrown as ApiError. */
import { callApi, jsonRequest } from "./api-fetch";
import type { ChangePasswordBody, EndedSessionsResponse, RegisterBody } from "@/lib/contracts/auth-schemas";

/** The one answer for a new and a taken email alike (202): sign in with the same details next. */
export type RegisterResponse = { status: "accepted"; message: string };

// POST /api/register - create an email + password account; over the address's budget a 429 with Retry-After
export function register(body: RegisterBody): Promise<RegisterResponse> {
  return callApi("/api/register", jsonRequest("POST", body));
}

// POST /api/me/password - change the password; every other session of the account ends
export function changePassword(body: ChangePasswordBody): Promise<EndedSessionsResponse> {
  return callApi("/api/me/password", jsonRequest("POST", body));
}

// DELETE /api/sessions - sign out everywhere: every session of the account ends, this one included
export function endAllSessions(): Promise<EndedSessionsResponse> {
  return callApi("/api/sessions", { method: "DELETE" });
}
