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
  releaseFileCompletion,
  type FileMove,
} from "./file-item-status";
import { dropExpiredPreviewPlans, markPreviewsFailed, markPreviewsStored, planFilePreviews } from "./file-item-previews";
import { extendFormHold } from "./file-item-holds";
import { PREVIEW_HOLD_BYTES } from "./file-item-quota";

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
/** A preview planned two hours ago and not stored: what each preview move may act on. */
const PLANNED = { previewSize: 5, previewType: "image/webp", previewPlannedAt: new Date(Date.now() - 2 * HOUR_MS) };

/** Each move through the query that makes it, for one file item: the file item if it moved, else null. */
const RUN: Record<FileMove, (item: FileItem, ownerId: string) => Promise<FileItem | null | undefined>> = {
  claim: async (item, ownerId) => (await claimFileCompletions({ ids: [item.id], ownerId }))[0],
  release: (item, ownerId) => releaseFileCompletion({ id: item.id, ownerId, updatedAt: item.updatedAt }),
  markUploaded: async (item, ownerId) => (await markFilesUploaded({ ownerId, files: [{ id: item.id, checksum: null }] }))[0],
  reject: (item, ownerId) => markFileRejected({ id: item.id, ownerId }),
  abort: (item, ownerId) => markFileAborted({ id: item.id, ownerId }),
  abortStaleCompletion: (item, ownerId) => markStaleCompletionAborted({ id: item.id, ownerId, updatedBefore: new Date(Date.now() + HOUR_MS) }),
  delete: (item, ownerId) => markFileDeleted({ id: item.id, ownerId }),
  planPreview: async (item, ownerId) => {
    const [planned] = await planFilePreviews({ ownerId, plans: [{ id: item.id, size: 6, type: "image/jpeg" }], formExpiresAt: new Date(Date.now() + HOUR_MS) });
    return planned === "quota_exceeded" ? null : planned;
  },
  storePreview: async (item, ownerId) => (await markPreviewsStored({ ownerId, previews: [{ id: item.id, size: 5, type: "image/webp" }] }))[0],
  // Cleanup's sweep, across owners: the file item if it was among those dropped.
  dropPreviewPlan: async (item) => (await dropExpiredPreviewPlans({ plannedBefore: new Date(Date.now() - HOUR_MS), limit: 1000 })).find((row) => row.id === item.id),
  failPreview: async (item, ownerId) => (await markPreviewsFailed({ ownerId, ids: [item.id] }))[0],
  holdFormAgain: (item, ownerId) => extendFormHold({ id: item.id, ownerId, until: new Date(Date.now() + HOUR_MS) }),
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
    ["planPreview", ["uploaded"], "uploaded"],
    ["storePreview", ["uploaded"], "uploaded"],
    ["dropPreviewPlan", ["uploaded"], "uploaded"],
    ["failPreview", ["uploaded"], "uploaded"],
    ["holdFormAgain", ["pending"], "pending"],
  ] as const)("%s: from %j to %s", (move, from, to) => {
    expect(FILE_MOVES[move]).toEqual({ from, to });
    for (const status of FILE_STATUSES) expect(canMove(move, status)).toBe((from as readonly string[]).includes(status));
  });

  it("lists every move above, and no other", () => {
    expect(MOVES.sort()).toEqual(["abort", "abortStaleCompletion", "claim", "delete", "dropPreviewPlan", "failPreview", "holdFormAgain", "markUploaded", "planPreview", "reject", "release", "storePreview"]);
  });

  it("ends in aborted, rejected and deleted, which no move leaves", () => {
    expect([...ENDED_STATUSES].sort()).toEqual(["aborted", "deleted", "rejected"]);
    for (const move of MOVES) for (const status of ENDED_STATUSES) expect(canMove(move, status)).toBe(false);
  });

  it("never lets a file item become uploaded without a complete's claim first", () => {
    // Moves that keep the status (a preview's) change no status; every other way in is listed.
    const into = (to: FileStatus) => MOVES.filter((move) => FILE_MOVES[move].to === to).flatMap((move) => FILE_MOVES[move].from.filter((from) => from !== to));
    expect(into("uploaded")).toEqual(["completing"]);
    expect(into("completing")).toEqual(["pending"]);
  });
});

describe("the guarded UPDATE of each move", () => {
  const cases = MOVES.flatMap((move) => FILE_STATUSES.map((status) => [move, status, canMove(move, status)] as const));

  it.each(cases)("%s on a %s file item: moves it = %s", async (move, status, allowed) => {
    const ownerId = await newOwner();
    const item = await seed(ownerId, status, PLANNED);
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

  // Cleanup's drop of expired preview plans is the one sweep across owners.
  it.each(MOVES.filter((move) => move !== "dropPreviewPlan"))("%s never moves another owner's row", async (move) => {
    const ownerId = await newOwner();
    const item = await seed(ownerId, FILE_MOVES[move].from[0], PLANNED);
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

  it("marks many file items uploaded in one statement, each with its own checksum", async () => {
    const ownerId = await newOwner();
    const [post, multipart, stillPending] = await Promise.all([
      seed(ownerId, "completing"),
      seed(ownerId, "completing", { strategy: "multipart" }),
      seed(ownerId, "pending"),
    ]);
    const marked = await markFilesUploaded({
      ownerId,
      files: [
        { id: post!.id, checksum: null },
        { id: multipart!.id, checksum: "CRC32:AAAAAA==" },
        { id: stillPending!.id, checksum: null },
      ],
    });
    const byId = new Map(marked.map((row) => [row.id, row]));
    expect(byId.size).toBe(2);
    expect(byId.get(post!.id)).toMatchObject({ status: "uploaded", checksum: null, size: 10, previewSize: null, previewStoredAt: null });
    expect(byId.get(multipart!.id)).toMatchObject({ status: "uploaded", checksum: "CRC32:AAAAAA==" });
    expect(byId.get(post!.id)!.uploadedAt).toBeInstanceOf(Date);
    expect(await getFileItemById({ id: stillPending!.id, ownerId })).toEqual(stillPending);
  });
});

describe("a preview's queries", () => {
  const plan = (ownerId: string, plans: Array<{ id: string; size: number }>, quotaBytes?: number) =>
    planFilePreviews({ ownerId, plans: plans.map((p) => ({ ...p, type: "image/webp" })), quotaBytes, formExpiresAt: new Date(Date.now() + HOUR_MS) });
  const H = PREVIEW_HOLD_BYTES;

  it("plans a batch within the quota only, in order, a new plan replacing the earlier one's bytes", async () => {
    const ownerId = await newOwner();
    const [a, b, c] = await Promise.all([seed(ownerId, "uploaded"), seed(ownerId, "uploaded"), seed(ownerId, "uploaded")]);
    // 30 bytes of files; the quota leaves 30 for previews and two previews' form holds.
    const quota = 60 + 2 * H;
    const first = await plan(ownerId, [{ id: a.id, size: 20 }, { id: b.id, size: 11 }, { id: c.id, size: 10 }], quota);
    expect(first.map((r) => (typeof r === "object" && r ? r.previewSize : r))).toEqual([20, "quota_exceeded", 10]);
    expect(first[0]).toMatchObject({ previewType: "image/webp", previewStoredAt: null, previewPlannedAt: expect.any(Date), previewFormExpiresAt: expect.any(Date) });
    expect(await plan(ownerId, [{ id: a.id, size: 20 }], quota)).toEqual([expect.objectContaining({ previewSize: 20 })]);
    expect(await plan(ownerId, [{ id: a.id, size: 21 }], quota)).toEqual(["quota_exceeded"]);
    // a's 5 frees 15 of its 20, which c's new plan takes; b would need a hold of its own too.
    expect(await plan(ownerId, [{ id: a.id, size: 5 }, { id: c.id, size: 25 }, { id: b.id, size: 1 }], quota)).toEqual([
      expect.objectContaining({ previewSize: 5 }),
      expect.objectContaining({ previewSize: 25 }),
      "quota_exceeded",
    ]);
  });

  it("plans nothing for a file item that is not uploaded, is another owner's or has a stored preview", async () => {
    const ownerId = await newOwner();
    const [pending, stored] = await Promise.all([seed(ownerId, "pending"), seed(ownerId, "uploaded", { ...PLANNED, previewStoredAt: new Date() })]);
    const other = await seed(await newOwner(), "uploaded");
    expect(await plan(ownerId, [{ id: pending.id, size: 5 }, { id: stored.id, size: 5 }, { id: other.id, size: 5 }])).toEqual([null, null, null]);
    expect(await getFileItemById({ id: stored.id, ownerId })).toEqual(stored);
  });

  it("stores a preview only with the planned size and type that were checked, and keeps it stored", async () => {
    const ownerId = await newOwner();
    const item = await seed(ownerId, "uploaded", PLANNED);
    expect(await markPreviewsStored({ ownerId, previews: [{ id: item.id, size: 6, type: "image/webp" }] })).toEqual([]);
    expect(await markPreviewsStored({ ownerId, previews: [{ id: item.id, size: 5, type: "image/jpeg" }] })).toEqual([]);
    const [stored] = await markPreviewsStored({ ownerId, previews: [{ id: item.id, size: 5, type: "image/webp" }] });
    expect(stored!.previewStoredAt).toBeInstanceOf(Date);
    // A repeated complete finds it stored, as it was.
    const [again] = await markPreviewsStored({ ownerId, previews: [{ id: item.id, size: 5, type: "image/webp" }] });
    expect(again!.previewStoredAt).toEqual(stored!.previewStoredAt);
    expect(await plan(ownerId, [{ id: item.id, size: 5 }])).toEqual([null]);
    await markFileDeleted({ id: item.id, ownerId });
    expect(await markPreviewsStored({ ownerId, previews: [{ id: item.id, size: 5, type: "image/webp" }] })).toEqual([]);
  });

  it("drops only plans made before the cutoff and never stored", async () => {
    const ownerId = await newOwner();
    const [old, fresh, stored] = await Promise.all([
      seed(ownerId, "uploaded", PLANNED),
      seed(ownerId, "uploaded", { ...PLANNED, previewPlannedAt: new Date() }),
      seed(ownerId, "uploaded", { ...PLANNED, previewStoredAt: new Date() }),
    ]);
    const dropped = (await dropExpiredPreviewPlans({ plannedBefore: new Date(Date.now() - HOUR_MS), limit: 1000 })).filter((row) => row.userId === ownerId);
    expect(dropped.map((row) => row.id)).toEqual([old.id]);
    expect(dropped[0]).toMatchObject({ status: "uploaded", previewSize: null, previewType: null, previewPlannedAt: null });
    expect(await getFileItemById({ id: fresh.id, ownerId })).toEqual(fresh);
    expect(await getFileItemById({ id: stored.id, ownerId })).toEqual(stored);
  });

  it("records a failed preview only where none is stored, keeping its first time; a plan and a store still follow", async () => {
    const ownerId = await newOwner();
    const [item, stored] = await Promise.all([seed(ownerId, "uploaded"), seed(ownerId, "uploaded", { ...PLANNED, previewStoredAt: new Date() })]);
    const failed = await markPreviewsFailed({ ownerId, ids: [item.id, stored.id] });
    expect(failed.map((row) => row.id)).toEqual([item.id]);
    expect(failed[0]!.previewFailedAt).toBeInstanceOf(Date);
    expect(await getFileItemById({ id: stored.id, ownerId })).toEqual(stored);
    const [again] = await markPreviewsFailed({ ownerId, ids: [item.id] });
    expect(again!.previewFailedAt).toEqual(failed[0]!.previewFailedAt);
    // Another browser that decodes it still gets its preview in.
    expect(await plan(ownerId, [{ id: item.id, size: 5 }])).toEqual([expect.objectContaining({ previewSize: 5 })]);
    expect(await markPreviewsStored({ ownerId, previews: [{ id: item.id, size: 5, type: "image/webp" }] })).toEqual([expect.objectContaining({ previewStoredAt: expect.any(Date) })]);
  });
});
