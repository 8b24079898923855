import "server-only";
import path from "node:path";
import { getEnv } from "@/server/env";
import { openDatabase, type Database, type DatabaseHandle } from "./driver";

// One handle per server process: Next dev re-evaluates modules on every edit, and PGlite
// allows a single open instance per folder.
const globalForDb = globalThis as unknown as { __appDatabase?: Promise<DatabaseHandle> };

async function connect(): Promise<DatabaseHandle> {
  const env = getEnv();
  const handle = await openDatabase({
    url: env.DATABASE_URL,
    pgliteDir: path.resolve(env.DATA_DIR, "pglite"),
  });
  // Dev (and the embedded database anywhere) applies migrations at start; production runs
  // `npm run db:migrate` as a release step instead.
  if (env.NODE_ENV === "development" || handle.driver === "pglite") await handle.migrate();
  return handle;
}

export async function getDb(): Promise<Database> {
  globalForDb.__appDatabase ??= connect().catch((err: unknown) => {
    globalForDb.__appDatabase = undefined;
    throw err;
  });
  return (await globalForDb.__appDatabase).db;
}

export async function getDatabaseDriver(): Promise<DatabaseHandle["driver"]> {
  await getDb();
  return (await globalForDb.__appDatabase!).driver;
}

/**
 * A query built once per database handle and run as a prepared statement. postgres.js sends an
 * unprepared query that has parameters in two round trips (describe, then execute) and Postgres
 * plans it every time; prepared, it is one round trip once each connection has seen it. For the
 * queries every signing request runs (token, rate limit, file item).
 */
export function preparedQuery<T>(build: (db: Database) => T): () => Promise<T> {
  const built = new WeakMap<Database, T>();
  return async () => {
    const db = await getDb();
    let query = built.get(db);
    if (!query) built.set(db, (query = build(db)));
    return query;
  };
}
