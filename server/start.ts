import "server-only";
import { getEnv } from "@/server/env";

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
  if (getEnv().NODE_ENV === "development") {
    const { getDb } = await import("@/db");
    await getDb();
  }
}
