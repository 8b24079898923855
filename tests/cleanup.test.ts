import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as cronCleanup } from "@/app/api/internal/cleanup/route";
import { POST as createUpload } from "@/app/api/uploads/route";
import { getDb } from "@/db";
import { getFileItemById } from "@/db/queries/file-items";
import { fileItems } from "@/db/schema";
import { cleanupStaleUploads } from "@/server/ops/cleanup";
import { MIB } from "@/lib/units";
import { createSignedInUser, jsonRequest } from "../testing/requests";
import { multipartUploadIds } from "../testing/s3-direct";

async function startMultipart(cookie: string) {
  const res = await createUpload(jsonRequest("/api/uploads", { cookie, body: { name: "big.mov", size: 200 * MIB, type: "video/quicktime" } }));
  return (await res.json()).file.id as string;
}

describe("uploads cleanup", () => {
  it("aborts stale pending uploads and orphaned multipart uploads, and leaves fresh ones alone", async () => {
    const { cookie, user } = await createSignedInUser();
    const staleId = await startMultipart(cookie);
    const freshId = await startMultipart(cookie);
    const db = await getDb();
    await db.update(fileItems).set({ createdAt: new Date(Date.now() - 25 * 3_600_000) }).where(eq(fileItems.id, staleId));
    const stale = (await getFileItemById({ id: staleId, ownerId: user.id }))!;
    const fresh = (await getFileItemById({ id: freshId, ownerId: user.id }))!;
    const report = await cleanupStaleUploads();
    expect(report.staleUploadsAborted).toBeGreaterThanOrEqual(1);

    expect((await getFileItemById({ id: staleId, ownerId: user.id }))!.status).toBe("aborted");
    expect(await multipartUploadIds(stale.key)).toEqual([]);
    expect((await getFileItemById({ id: freshId, ownerId: user.id }))!.status).toBe("pending");
    expect(await multipartUploadIds(fresh.key)).toEqual([fresh.uploadId]);

    const again = await cleanupStaleUploads();
    expect(await multipartUploadIds(fresh.key)).toEqual([fresh.uploadId]);
    expect(again.staleUploadsAborted).toBe(0);
    expect(again.cancelledUploadsReAborted).toBeGreaterThanOrEqual(1); // the stale one, aborted again
  });

  it("aborts a cancelled upload's multipart upload again on the next run", async () => {
    // A file item cancelled while S3 still had its upload (as when an abort raced in-flight parts):
    // the next run aborts the same upload id once more.
    const { cookie, user } = await createSignedInUser();
    const id = await startMultipart(cookie);
    const item = (await getFileItemById({ id, ownerId: user.id }))!;
    const db = await getDb();
    await db.update(fileItems).set({ status: "aborted" }).where(eq(fileItems.id, id));
    expect(await multipartUploadIds(item.key)).toEqual([item.uploadId]);
    await cleanupStaleUploads();
    expect(await multipartUploadIds(item.key)).toEqual([]);
  });

  it("the cron route is off without CRON_SECRET (404)", async () => {
    const res = await cronCleanup(new Request("http://127.0.0.1/api/internal/cleanup", { headers: { authorization: "Bearer x" } }));
    expect(res.status).toBe(404);
  });
});
