/**
 * A fresh key for one create request (128 random bits as hex). getRandomValues, not randomUUID:
 * browsers only offer randomUUID on https and localhost, and the app may be opened over plain http.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
