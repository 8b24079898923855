import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { getEnv } from "@/server/env";

/** 256 bits from the OS CSPRNG: far beyond guessing, so a fast unsalted hash is enough to store. */
const SHARE_TOKEN_BYTES = 32;

/** A fresh token: 43 base64url characters, safe in a URL path as is. */
export function newShareToken(): string {
  return randomBytes(SHARE_TOKEN_BYTES).toString("base64url");
}

/** SHA-256 hex of the token as it came in the URL: what the database stores and looks up. */
export function hashShareToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** The public page of a link: `APP_URL/s/<token>`. */
export function shareUrl(token: string): string {
  return new URL(`/s/${token}`, getEnv().APP_URL).toString();
}
