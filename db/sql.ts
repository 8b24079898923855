import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "./driver";
import { fileItems } from "./schema";

/** `%`, `_` and the escape character itself match literally in a LIKE pattern (backslash escapes). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Bytes of the file items `where` selects, each file plus its preview (planned while pending, checked
 * once uploaded): the library's usage. The quota counts these and what signed forms may still
 * write (file-item-quota.ts).
 */
export async function sumFileBytes(db: Pick<Database, "select">, where: SQL | undefined): Promise<number> {
  const [row] = await db
    .select({ used: sql<string>`coalesce(sum(${fileItems.size} + coalesce(${fileItems.previewSize}, 0)), 0)` })
    .from(fileItems)
    .where(where);
  return Number(row?.used ?? 0);
}
