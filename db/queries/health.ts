import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";

/** Whether Postgres answers a trivial query (for /api/health; the error itself is not reported). */
export async function pingDatabase(): Promise<boolean> {
  try {
    await (await getDb()).execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
