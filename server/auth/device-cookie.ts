import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { getEnv } from "@/server/env";

/**
 * A device cookie (OWASP's defence against account lockout): a browser that signed in to an
 * account with its password gets a cookie naming that account, signed by the server. Its later
 * sign-ins to that account are counted on a budget of its own, so a stranger's wrong passwords,
 * which lock out browsers without one, never lock out the owner's own browser.
 * @see https://owasp.org/www-community/Slow_Down_Online_Guessing_Attacks_with_Device_Cookies
 */

/** Long enough to cover the browsers a person signs in from over months. */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 24 * 3600;
const NONCE_BYTES = 16;
/** Only API routes read it (sign-in, a password change), so pages and storage never get it. */
const COOKIE_PATH = "/api";

const secure = () => getEnv().APP_URL.startsWith("https://");

/** `__Secure-` on https: a browser keeps such a cookie only from a secure origin, with Secure set. */
export function deviceCookieName(): string {
  return secure() ? "__Secure-uploads.device" : "uploads.device";
}

/** The signature of `nonce` for `email`, under a key of its own derived from AUTH_SECRET. */
function signature(email: string, nonce: string): Buffer {
  const key = createHmac("sha256", getEnv().AUTH_SECRET).update("uploads device cookie v1").digest();
  return createHmac("sha256", key).update(`${email}\n${nonce}`).digest();
}

/** The Set-Cookie value for a browser that just signed in to `email` with its password: a fresh device. */
export function deviceCookieFor(email: string): string {
  const nonce = randomBytes(NONCE_BYTES).toString("base64url");
  const value = `${nonce}.${signature(email, nonce).toString("base64url")}`;
  const attributes = [`Path=${COOKIE_PATH}`, `Max-Age=${DEVICE_COOKIE_MAX_AGE_SECONDS}`, "HttpOnly", "SameSite=Lax", ...(secure() ? ["Secure"] : [])];
  return [`${deviceCookieName()}=${value}`, ...attributes].join("; ");
}

/** The value of cookie `name` in a Cookie header, or null. */
function cookieValue(header: string, name: string): string | null {
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * The device id (its nonce) when the Cookie header holds a device cookie this server signed for
 * `email` (normalised), else null: a cookie for another account, a forged or a malformed one is no device.
 */
export function deviceFor(cookieHeader: string | null | undefined, email: string): string | null {
  const value = cookieHeader ? cookieValue(cookieHeader, deviceCookieName()) : null;
  const match = value ? /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
  if (!match) return null;
  const [, nonce = "", given = ""] = match;
  const expected = signature(email, nonce);
  const actual = Buffer.from(given, "base64url");
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? nonce : null;
}
