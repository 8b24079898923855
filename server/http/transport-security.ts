import "server-only";
import { getEnv } from "@/server/env";

/**
 * `Strict-Transport-Security` for an https APP_URL: browsers that saw it use https for this host
 * for a year, whatever link or typed address sends them to http. No `includeSubDomains` (the
 * operator's other hosts are not ours to pin) and no `preload`.
 * @see docs/deploy.md "HTTPS"
 */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000";

/** The header's value for an app served at `appUrl`, or null when it is not served over https. */
export function strictTransportSecurityFor(appUrl: string): string | null {
  return new URL(appUrl).protocol === "https:" ? STRICT_TRANSPORT_SECURITY : null;
}

/**
 * The header's value for this deployment (APP_URL at run time, not at build time), or null. A
 * configuration that does not parse gives none: the health check must still answer its 503.
 */
export function strictTransportSecurity(): string | null {
  try {
    return strictTransportSecurityFor(getEnv().APP_URL);
  } catch {
    return null;
  }
}
