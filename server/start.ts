import "server-only";
import { getEnv, type Env } from "@/server/env";

/**
 * What a production server without a trusted proxy gives up, said once at start: route handlers
 * see no socket address (server/auth/client-address.ts), so every client counts as one.
 * @see docs/deploy.md "Client addresses"
 */
export function noTrustedProxyWarning(env: Pick<Env, "NODE_ENV" | "TRUST_PROXY_HOPS">): string | null {
  if (env.NODE_ENV !== "production" || env.TRUST_PROXY_HOPS > 0) return null;
  return (
    "TRUST_PROXY_HOPS is 0: X-Forwarded-For is ignored, so every client counts as one address: sign-ups and share links " +
    "share one budget (one client can use it up for everyone) and sign-in has no per-address limit. " +
    "Set TRUST_PROXY_HOPS to the number of proxies in front of the app (docs/deploy.md, \"Client addresses\")."
  );
}

/**
 * A bad or missing setting stops the server here, naming the variable, instead of surfacing
 * later as a 500 on some request. Dev also applies migrations (production runs
 * `npm run db:migrate` as a release step).
 */
export async function startNodeServer(): Promise<void> {
  try {
    getEnv();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const warning = noTrustedProxyWarning(getEnv());
  if (warning) console.warn(warning);
  if (getEnv().NODE_ENV === "development") {
    const { getDb } = await import("@/db");
    await getDb();
  }
}
