import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { bucketReachable } from "@/server/storage/bucket";
import { route } from "@/server/http/route";

async function databaseReachable(): Promise<boolean> {
  try {
    await (await getDb()).execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

// GET /api/health - are the database and the bucket reachable? (no auth, no secrets, no detail)
export const GET = route({ name: "GET /api/health", auth: "public" }, async () => {
  const [database, storage] = await Promise.all([databaseReachable(), bucketReachable()]);
  const ok = database && storage;
  return Response.json(
    { status: ok ? "ok" : "degraded", database: database ? "ok" : "unreachable", storage: storage ? "ok" : "unreachable" },
    { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
});
