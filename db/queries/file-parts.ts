import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { fileParts, type FilePart } from "@/db/schema";

/** Records parts the client reports; a re-sent part replaces the earlier record. */
export async function upsertFileParts(input: {
  fileId: string;
  parts: Array<{ partNumber: number; size: number; etag: string; checksum: string | null }>;
}): Promise<void> {
  if (input.parts.length === 0) return;
  const db = await getDb();
  await db
    .insert(fileParts)
    .values(input.parts.map((p) => ({ fileId: input.fileId, ...p })))
    .onConflictDoUpdate({
      target: [fileParts.fileId, fileParts.partNumber],
      set: { size: sql`excluded.size`, etag: sql`excluded.etag`, checksum: sql`excluded.checksum`, createdAt: sql`now()` },
    });
}

export async function listFileParts({ fileId }: { fileId: string }): Promise<FilePart[]> {
  const db = await getDb();
  return db.select().from(fileParts).where(eq(fileParts.fileId, fileId)).orderBy(asc(fileParts.partNumber));
}
