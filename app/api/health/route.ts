import { checkHealth } from "@/server/ops/health";
import { route } from "@/server/http/route";

// GET /api/health - are the database and the bucket reachable, and does the store do what it is
// configured to (tried once an hour)? No auth, no secrets, no detail.
export const GET = route({ name: "GET /api/health", auth: "public" }, async () => {
  const { ok, database, storage, storeAbilities } = await checkHealth();
  return Response.json({ status: ok ? "ok" : "degraded", database, storage, storeAbilities }, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
});
