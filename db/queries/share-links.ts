import "server-only";
import { and, count, desc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { getDb, preparedQuery } from "@/db";
import { apiTokens, fileItems, shareLinks, type FileItem, type ShareLink } from "@/db/schema";

/** What a working link serves: the file's name, size, type and key. */
export type SharedFile = Pick<FileItem, "id" | "userId" | "status" | "name" | "size" | "contentType" | "key" | "previewType" | "previewStoredAt">;

const sharedFileColumns = {
  id: fileItems.id,
  userId: fileItems.userId,
  status: fileItems.status,
  name: fileItems.name,
  size: fileItems.size,
  contentType: fileItems.contentType,
  key: fileItems.key,
  previewType: fileItems.previewType,
  previewStoredAt: fileItems.previewStoredAt,
};

/**
 * A link made with an API token lives no longer than the token: it works while the token's row is
 * there and unrevoked. (Revoking a token also revokes its links, but this check is what holds when
 * a link is read while that revoke is under way.)
 */
const creatingTokenActive = or(
  isNull(shareLinks.createdByTokenId),
  sql`exists (select 1 from ${apiTokens} where ${apiTokens.id} = ${shareLinks.createdByTokenId} and ${apiTokens.revokedAt} is null)`,
);

/** A link that works now: unrevoked, unexpired, under its limit, its file uploaded, and its token (if any) active. */
const linkWorks = and(
  isNull(shareLinks.revokedAt),
  gt(shareLinks.expiresAt, sql`now()`),
  or(isNull(shareLinks.maxDownloads), lt(shareLinks.downloads, shareLinks.maxDownloads)),
  eq(fileItems.status, "uploaded"),
  creatingTokenActive,
);

/**
 * Inserts a link for the owner's uploaded file unless it already has `maxLive` live (unrevoked,
 * unexpired) links. The file item's row is locked for the count and insert, so racing creates can't pass
 * the cap and a delete can't slip between the check and the insert. `no_file` when the file is
 * not the owner's or not uploaded.
 */
export async function createShareLinkRow(input: {
  fileId: string;
  userId: string;
  createdByTokenId: string | null;
  tokenHash: string;
  expiresAt: Date;
  maxDownloads: number | null;
  maxLive: number;
}): Promise<ShareLink | "no_file" | "full"> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [file] = await tx
      .select({ id: fileItems.id })
      .from(fileItems)
      .where(and(eq(fileItems.id, input.fileId), eq(fileItems.userId, input.userId), eq(fileItems.status, "uploaded")))
      .for("update");
    if (!file) return "no_file";
    const [live] = await tx
      .select({ n: count() })
      .from(shareLinks)
      .where(and(eq(shareLinks.fileId, input.fileId), isNull(shareLinks.revokedAt), gt(shareLinks.expiresAt, sql`now()`)));
    if ((live?.n ?? 0) >= input.maxLive) return "full";
    const { maxLive: _maxLive, ...values } = input;
    const [link] = await tx.insert(shareLinks).values(values).returning();
    if (!link) throw new Error("insert into share_links returned no row");
    return link;
  });
}

/** The unrevoked links of one of the owner's files, newest first (the caller checks the file). */
export async function listShareLinksOfFile({ fileId, userId }: { fileId: string; userId: string }): Promise<ShareLink[]> {
  const db = await getDb();
  return db
    .select()
    .from(shareLinks)
    .where(and(eq(shareLinks.fileId, fileId), eq(shareLinks.userId, userId), isNull(shareLinks.revokedAt)))
    .orderBy(desc(shareLinks.createdAt), desc(shareLinks.id));
}

/** Scoped by owner; revoking twice keeps the first time. False when the user has no such link. */
export async function revokeShareLink({ id, userId }: { id: string; userId: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(shareLinks)
    .set({ revokedAt: sql`coalesce(${shareLinks.revokedAt}, now())` })
    .where(and(eq(shareLinks.id, id), eq(shareLinks.userId, userId)))
    .returning({ id: shareLinks.id });
  return rows.length > 0;
}

/** Every link an API token made, revoked at once (the token was revoked); the link lookups also require an active token. */
export async function revokeShareLinksOfToken({ tokenId }: { tokenId: string }): Promise<void> {
  const db = await getDb();
  await db.update(shareLinks).set({ revokedAt: sql`now()` }).where(and(eq(shareLinks.createdByTokenId, tokenId), isNull(shareLinks.revokedAt)));
}

/** Every link of a file, revoked at once (its file was deleted); the link lookups also require an uploaded file. */
export async function revokeShareLinksOfFile({ fileId }: { fileId: string }): Promise<void> {
  const db = await getDb();
  await db.update(shareLinks).set({ revokedAt: sql`now()` }).where(and(eq(shareLinks.fileId, fileId), isNull(shareLinks.revokedAt)));
}

const workingLinkByHash = preparedQuery((db) =>
  db
    .select(sharedFileColumns)
    .from(shareLinks)
    .innerJoin(fileItems, eq(fileItems.id, shareLinks.fileId))
    .where(and(eq(shareLinks.tokenHash, sql.placeholder("tokenHash")), linkWorks))
    .limit(1)
    .prepare("get_working_share_link_by_hash"),
);

/** The file a working link names, by the token's hash (the unique index); null for any link that does not work. */
export async function getSharedFileByHash({ tokenHash }: { tokenHash: string }): Promise<SharedFile | null> {
  const [row] = await (await workingLinkByHash()).execute({ tokenHash });
  return row ?? null;
}

const claimDownload = preparedQuery((db) =>
  db
    .update(shareLinks)
    .set({ downloads: sql`${shareLinks.downloads} + 1`, lastUsedAt: sql`now()` })
    .from(fileItems)
    .where(and(eq(shareLinks.tokenHash, sql.placeholder("tokenHash")), eq(fileItems.id, shareLinks.fileId), linkWorks))
    .returning(sharedFileColumns)
    .prepare("claim_share_link_download"),
);

/**
 * Counts one download in one guarded UPDATE and answers the file, or null when the link does not
 * work. Racing downloads serialise on the row lock and each re-checks the limit on the row it
 * waited for, so a link with N downloads left serves exactly N of them.
 */
export async function claimShareLinkDownload({ tokenHash }: { tokenHash: string }): Promise<SharedFile | null> {
  const [row] = await (await claimDownload()).execute({ tokenHash });
  return row ?? null;
}
