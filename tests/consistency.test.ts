import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { POST as createUpload } from "@/app/api/uploads/route";
import { POST as completeUpload } from "@/app/api/uploads/[id]/complete/route";
import { getFileItemById } from "@/db/queries/file-items";
import { checkConsistency, isConsistent } from "@/server/ops/consistency";
import type { PostUploadTarget } from "@/lib/contracts/upload-schemas";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { testS3 } from "../testing/s3-direct";
import { GIF_SIGNATURE, startingWith } from "../testing/file-signatures";
import { withPostForms } from "../testing/store-abilities";

const run = promisify(execFile);

async function uploadOne(cookie: string, size: number) {
  const created = await (await createUpload(jsonRequest("/api/uploads", { cookie, body: { name: "a.gif", size, type: "image/gif" } }))).json();
  const upload = created.upload as PostUploadTarget;
  const form = new FormData();
  for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
  form.append("file", new Blob([startingWith(GIF_SIGNATURE, size)]));
  expect((await fetch(upload.url, { method: "POST", body: form })).status).toBe(204);
  const id = created.file.id as string;
  expect((await completeUpload(jsonRequest(`/api/uploads/${id}/complete`, { method: "POST", cookie }), routeParams({ id }))).status).toBe(200);
  return id;
}

withPostForms();

describe("uploads:check", () => {
  it("finds uploaded file items without their object and objects without a file item", async () => {
    const { cookie, user } = await createSignedInUser();
    const prefix = `u/${user.id}/`;
    await uploadOne(cookie, 10);
    const lost = await uploadOne(cookie, 20);
    await createUpload(jsonRequest("/api/uploads", { cookie, body: { name: "p.gif", size: 5, type: "image/gif" } })); // pending, no object: fine
    const clean = await checkConsistency(prefix);
    expect(isConsistent(clean)).toBe(true);
    expect(clean).toMatchObject({ checkedRows: 3, checkedObjects: 2 });

    const lostKey = (await getFileItemById({ id: lost, ownerId: user.id }))!.key;
    await testS3().send(new DeleteObjectCommand({ Bucket: process.env.S3_BUCKET, Key: lostKey }));
    await testS3().send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: `${prefix}stray.bin`, Body: "x" }));
    const report = await checkConsistency(prefix);
    expect(report.missingObjects).toEqual([{ id: lost, key: lostKey, expectedSize: 20, actualSize: null }]);
    expect(report.orphanObjects).toEqual([{ key: `${prefix}stray.bin`, size: 1 }]);
    expect(isConsistent(report)).toBe(false);

    const script = await run("npx", ["tsx", "--conditions=react-server", "scripts/check-consistency.ts", prefix]).catch((err) => err);
    expect(script.code).toBe(1);
    expect(JSON.parse(script.stdout).orphanObjects).toEqual([{ key: `${prefix}stray.bin`, size: 1 }]);
  });
});
