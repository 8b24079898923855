/**
 * The bench's own connection to the run's database (provisioned fresh for it), for reads that
 * must cost the app nothing: counting recorded previews through `GET /api/files` every few hundred
 * milliseconds signed a URL per file and took a share of the two cores from the previews it was
 * timing. Opened by bench/run.ts, and closed before the database is dropped.
 */
import postgres from "postgres";

let sql: postgres.Sql | null = null;

export function openBenchDatabase(url: string): void {
  sql = postgres(url, { max: 1, onnotice: () => {} });
}

export function benchDatabase(): postgres.Sql {
  if (!sql) throw new Error("The bench's database connection is not open (bench/run.ts opens it).");
  return sql;
}

export async function closeBenchDatabase(): Promise<void> {
  await sql?.end({ timeout: 5 });
  sql = null;
}
