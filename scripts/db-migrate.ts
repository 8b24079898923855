/** `npm run db:migrate`: applies db/migrations to DATABASE_URL (or the embedded PGlite under DATA_DIR). */
import path from "node:path";
import { openDatabase } from "../db/driver";

const url = process.env.DATABASE_URL || undefined;
const handle = await openDatabase({ url, pgliteDir: path.resolve(process.env.DATA_DIR ?? ".data", "pglite") });
await handle.migrate();
await handle.close();
console.log(`Migrations applied (${handle.driver}).`);
