import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { FILE_STATUSES, users, type FileItem, type FileStatus } from "@/db/schema";
import { createFileItem, getFileItemById } from "./file-items";
import {
  canMove,
  claimFileCompletions,
  ENDED_STATUSES,
  FILE_MOVES,
  markFileAborted,
  markFileDeleted,
  markFileRejected,
  markFilesUploaded,
  markStaleCompletionAborted,
  planFilePreview,
  releaseFileCompletion,
  type FileMove,
} from "./file-item-status";

async function newOwner(): Promise<string> {
  const db = await getDb();
  const [user] = await db.insert(users).values({ email: `${randomUUID()}@example.test`, passwordHash: null }).returning();
  return user!.id;
}

async function seed(ownerId: string, status: FileStatus, extra: Partial<FileItem> = {}): Promise<FileItem> {
  const id = randomUUID();
  return createFileItem({ id, userId: ownerId, name: "a.png", key: `u/${ownerId}/${id}.png`, size: 10, contentType: "image/png", status, ...extra });
}

const HOUR_MS = 3_600_000;

/** Each move through the query that makes it, for one file item: the file item if it moved, else null. */
const RUN: Record<FileMove, (item: FileItem, ownerId: string) => Promise<FileItem | null | undefined>> = {
  claim: async (item, ownerId) => (await claimFileCompletions({ ids: [item.id], ownerId }))[0],
  release: (item, ownerId) => releaseFileCompletion({ id: item.id, ownerId, updatedAt: item.updatedAt }),
  markUploaded: async (item, ownerId) => (await markFilesUploaded({ ownerId, files: [{ id: item.id, checksum: null, preview: false }] }))[0],
  reject: (item, ownerId) => markFileRejected({ id: item.id, ownerId }),
  abort: (item, ownerId) => markFileAborted({ id: item.id, ownerId }),
  abortStaleCompletion: (item, ownerId) => markStaleCompletionAborted({ id: item.id, ownerId, updatedBefore: new Date(Date.now() + HOUR_MS) }),
  delete: (item, ownerId) => markFileDeleted({ id: item.id, ownerId }),
  planPreview: async (item, ownerId) => {
    const planned = await planFilePreview({ id: item.id, ownerId, previewSize: 5, previewType: "image/webp" });
    return planned === "quota_exceeded" ? null : planned;
  },
};

const MOVES = Object.keys(FILE_MOVES) as FileMove[];

describe("the table of file status moves", () => {
  it.each([
    ["claim", ["pending"], "completing"],
    ["release", ["completing"], "pending"],
    ["markUploaded", ["completing"], "uploaded"],
    ["reject", ["completing"], "rejected"],
    ["abort", ["pending"], "aborted"],
    ["abortStaleCompletion", ["completing"], "aborted"],
    ["delete", ["uploaded"], "deleted"],
    ["planPreview", ["pending"], "pending"],
  ] as const)("%s: from %j to %s", (move, from, to) => {
    expect(FILE_MOVES[move]).toEqual({ from, to });
    for (const status of FILE_STATUSES) expect(canMove(move, status)).toBe((from as readonly string[]).includes(status));
  });

  it("lists every move above, and no other", () => {
    expect(MOVES.sort()).toEqual(["abort", "abortStaleCompletion", "claim", "delete", "markUploaded", "planPreview", "reject", "release"]);
  });

  it("ends in aborted, rejected and deleted, which no move leaves", () => {
    expect([...ENDED_STATUSES].sort()).toEqual(["aborted", "deleted", "rejected"]);
    for (const move of MOVES) for (const status of ENDED_STATUSES) expect(canMove(move, status)).toBe(false);
  });

  it("never lets a file item become uploaded without a complete's claim first", () => {
    const into = (to: FileStatus) => MOVES.filter((move) => FILE_MOVES[move].to === to).flatMap((move) => FILE_MOVES[move].from);
    expect(into("uploaded")).toEqual(["completing"]);
    expect(into("completing")).toEqual(["pending"]);
  });
});

describe("the guarded UPDATE of each move", () => {
  const cases = MOVES.flatMap((move) => FILE_STATUSES.map((status) => [move, status, canMove(move, status)] as const));

  it.each(cases)("%s on a %s file item: moves it = %s", async (move, status, allowed) => {
    const ownerId = await newOwner();
    const item = await seed(ownerId, status);
    const moved = await RUN[move](item, ownerId);
    const after = await getFileItemById({ id: item.id, ownerId });
    if (allowed) {
      expect(moved).toMatchObject({ id: item.id, status: FILE_MOVES[move].to });
      expect(after!.status).toBe(FILE_MOVES[move].to);
    } else {
      expect(moved ?? null).toBeNull();
      expect(after).toEqual(item);
    }
  });

  it.each(MOVES)("%s never moves another owner's row", async (move) => {
    const ownerId = await newOwner();
    const item = await seed(ownerId, FILE_MOVES[move].from[0]);
    expect((await RUN[move](item, await newOwner())) ?? null).toBeNull();
    expect(await getFileItemById({ id: item.id, ownerId })).toEqual(item);
  });

  it("gives a stale completion up only when it was claimed before `updatedBefore`", async () => {
    const ownerId = await newOwner();
    const item = await seed(ownerId, "completing");
    expect(await markStaleCompletionAborted({ id: item.id, ownerId, updatedBefore: new Date(Date.now() - HOUR_MS) })).toBeNull();
    expect(await markStaleCompletionAborted({ id: item.id, ownerId, updatedBefore: new Date(Date.now() + HOUR_MS) })).toMatchObject({ status: "aborted" });
  });

  it("of 20 concurrent claims of one file item exactly one wins", async () => {
    const ownerId = await newOwner();
    const item = await seed(ownerId, "pending");
    const won = await Promise.all(Array.from({ length: 20 }, () => claimFileCompletions({ ids: [item.id], ownerId })));
    expect(won.filter((rows) => rows.length === 1)).toHaveLength(1);
  });

  it("puts a released file item's own updated_at back", async () => {
    const ownerId = await newOwner();
    const item = await seed(ownerId, "pending");
    const [claimed] = await claimFileCompletions({ ids: [item.id], ownerId });
    expect(claimed!.updatedAt.getTime()).toBeGreaterThanOrEqual(item.updatedAt.getTime());
    expect(await releaseFileCompletion({ id: item.id, ownerId, updatedAt: item.updatedAt })).toMatchObject({ status: "pending", updatedAt: item.updatedAt });
  });

  it("marks many file items uploaded in one statement, each with its own checksum and preview", async () => {
    const ownerId = await newOwner();
    const preview = { previewSize: 5, previewType: "image/webp" };
    const [post, multipart, dropped, stillPending] = await Promise.all([
      seed(ownerId, "completing", preview),
      seed(ownerId, "completing", { strategy: "multipart" }),
      seed(ownerId, "completing", preview),
      seed(ownerId, "pending", preview),
    ]);
    const marked = await markFilesUploaded({
      ownerId,
      files: [
        { id: post!.id, checksum: null, preview: true },
        { id: multipart!.id, checksum: "CRC32:AAAAAA==", preview: false },
        { id: dropped!.id, checksum: null, preview: false },
        { id: stillPending!.id, checksum: null, preview: true },
      ],
    });
    const byId = new Map(marked.map((row) => [row.id, row]));
    expect(byId.size).toBe(3);
    expect(byId.get(post!.id)).toMatchObject({ status: "uploaded", checksum: null, size: 10, ...preview });
    expect(byId.get(multipart!.id)).toMatchObject({ status: "uploaded", checksum: "CRC32:AAAAAA==", previewSize: null, previewType: null });
    expect(byId.get(dropped!.id)).toMatchObject({ status: "uploaded", previewSize: null, previewType: null });
    expect(byId.get(post!.id)!.uploadedAt).toBeInstanceOf(Date);
    expect(await getFileItemById({ id: stillPending!.id, ownerId })).toEqual(stillPending);
  });

  it("plans a preview within the quota only, replacing the earlier plan", async () => {
    const ownerId = await newOwner();
    const item = await seed(ownerId, "pending");
    const plan = (previewSize: number) => planFilePreview({ id: item.id, ownerId, previewSize, previewType: "image/webp", quotaBytes: 30 });
    expect(await plan(20)).toMatchObject({ previewSize: 20 });
    // 10 bytes of file and a new plan of 20 replacing the old one: exactly the quota.
    expect(await plan(20)).toMatchObject({ previewSize: 20 });
    expect(await plan(21)).toBe("quota_exceeded");
    await markFileAborted({ id: item.id, ownerId });
    expect(await plan(1)).toBeNull();
  });
});
