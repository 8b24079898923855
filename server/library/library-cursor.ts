import "server-only";
import { z } from "zod";
import type { LibraryCursor } from "@/db/queries/file-library";
import { SORT_ORDERS, type LibrarySort, type SortOrder } from "@/lib/contracts/library-schemas";

/**
 * Keyset cursor for the files library (db/queries/file-library.ts pages by it), as base64url JSON.
 * The client treats it as opaque; the server checks it as untrusted input before it reaches SQL.
 */
export type { LibraryCursor };

/** Timestamps keep Postgres' microseconds, so file items within one millisecond still page apart. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Postgres text cannot hold NUL; names never contain control characters.
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;

const cursorSchema = z.discriminatedUnion("s", [
  z.object({ s: z.literal("date"), o: z.enum(SORT_ORDERS), v: z.string().regex(TIMESTAMP).refine(isRealTimestamp), id: z.string().regex(UUID) }),
  z.object({ s: z.literal("name"), o: z.enum(SORT_ORDERS), v: z.string().max(1024).regex(NO_CONTROL_CHARS), id: z.string().regex(UUID) }),
  z.object({ s: z.literal("size"), o: z.enum(SORT_ORDERS), v: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), id: z.string().regex(UUID) }),
]);

/** Rejects `2026-02-31`, which the pattern allows but Postgres would refuse. */
function isRealTimestamp(value: string): boolean {
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === value.slice(0, 19);
}

export function encodeCursor(cursor: LibraryCursor): string {
  const payload = { s: cursor.sort, o: cursor.order, v: cursor.value, id: cursor.id };
  return Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
}

/** Null for anything that is not a cursor this server made for this sort and order. */
export function decodeCursor(raw: string, expected: { sort: LibrarySort; order: SortOrder }): LibraryCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success || parsed.data.s !== expected.sort || parsed.data.o !== expected.order) return null;
  return { sort: parsed.data.s, order: parsed.data.o, value: parsed.data.v, id: parsed.data.id };
}
