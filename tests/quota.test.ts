import { describe, expect, it } from "vitest";
import { POST as createUpload } from "@/app/api/uploads/route";
import { POST as createBatch } from "@/app/api/uploads/batch/route";
import { DELETE as cancelUpload } from "@/app/api/uploads/[id]/route";
import { getEnv } from "@/server/env";
import { MIB } from "@/lib/units";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { withPostForms } from "../testing/store-abilities";

// getEnv() is parsed once per test file's module graph, so this quota applies to this file only.
const QUOTA = 300 * MIB;
getEnv().USER_QUOTA_BYTES = QUOTA;

const start = (cookie: string, size: number, name = "clip.mp4") =>
  createUpload(jsonRequest("/api/uploads", { cookie, body: { name, size, type: "video/mp4" } }));

withPostForms();

describe("USER_QUOTA_BYTES", () => {
  it("counts pending and uploaded bytes; the exact quota fits, one byte more does not", async () => {
    const { cookie } = await createSignedInUser();
    // Both multipart, counted once (a POST upload counts twice its size while its form lives: tests/quota-holds.test.ts).
    expect((await start(cookie, 150 * MIB)).status).toBe(201);
    const over = await start(cookie, 150 * MIB + 1);
    expect(over.status).toBe(413);
    expect((await over.json()).error.code).toBe("quota_exceeded");
    expect((await start(cookie, 150 * MIB)).status).toBe(201);
  });

  it("frees the quota at once when a multipart upload is cancelled (S3 refuses its parts from then on)", async () => {
    const { cookie } = await createSignedInUser();
    const first = await (await start(cookie, QUOTA)).json();
    expect((await start(cookie, 1, "a.mp4")).status).toBe(413);
    await cancelUpload(jsonRequest(`/api/uploads/${first.file.id}`, { method: "DELETE", cookie }), routeParams({ id: first.file.id }));
    expect((await start(cookie, 1, "a.mp4")).status).toBe(201);
  });

  it("two concurrent requests cannot both slip under the quota", async () => {
    const { cookie } = await createSignedInUser();
    const results = await Promise.all([start(cookie, 200 * MIB), start(cookie, 200 * MIB), start(cookie, 200 * MIB, "b.mp4")]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 413, 413]);
  });

  it("each user has their own quota", async () => {
    const a = await createSignedInUser();
    const b = await createSignedInUser();
    expect((await start(a.cookie, QUOTA)).status).toBe(201);
    expect((await start(b.cookie, QUOTA)).status).toBe(201);
  });

  it("checks a batch file by file, in order: one over the quota is refused and a later smaller one still fits", async () => {
    const { cookie } = await createSignedInUser();
    // 200 MiB and 150 MiB are multipart (counted once); 100 MiB and 1 byte are POST uploads, counted twice while their forms live.
    const files = [200 * MIB, 150 * MIB, 100 * MIB, 1].map((size, i) => ({ name: `clip${i}.mp4`, size, type: "video/mp4" }));
    const res = await createBatch(jsonRequest("/api/uploads/batch", { cookie, body: { files } }));
    const { results } = await res.json();
    expect(results.map((r: { status: number }) => r.status)).toEqual([201, 413, 413, 201]);
    expect(results[1].error.code).toBe("quota_exceeded");
  });

  it("stores each file's folder path when the file items are inserted within the quota", async () => {
    const { cookie } = await createSignedInUser();
    const files = [
      { name: "a.mp4", size: 1, type: "video/mp4", path: "Holiday/Day 1" },
      { name: "b.mp4", size: 1, type: "video/mp4" },
    ];
    const single = await createUpload(jsonRequest("/api/uploads", { cookie, body: { ...files[0], path: "Work" } }));
    expect((await single.json()).file.path).toBe("Work");
    const res = await createBatch(jsonRequest("/api/uploads/batch", { cookie, body: { files } }));
    const { results } = await res.json();
    expect(results.map((r: { file: { path: string | null } }) => r.file.path)).toEqual(["Holiday/Day 1", null]);
  });

  it("a create repeated with its idempotency key is not counted twice", async () => {
    const { cookie } = await createSignedInUser();
    const body = { name: "clip.mp4", size: 200 * MIB, type: "video/mp4", idempotencyKey: "retry-key-0123456789" };
    const first = await createUpload(jsonRequest("/api/uploads", { cookie, body }));
    const again = await createUpload(jsonRequest("/api/uploads", { cookie, body }));
    expect([first.status, again.status]).toEqual([201, 201]);
    expect((await again.json()).file.id).toBe((await first.json()).file.id);
    // 50 MiB by POST counts 100 MiB while its form lives: with the 200 MiB above, exactly the quota.
    const batch = await createBatch(jsonRequest("/api/uploads/batch", { cookie, body: { files: [body, { ...body, idempotencyKey: undefined, size: 50 * MIB }] } }));
    expect((await batch.json()).results.map((r: { status: number }) => r.status)).toEqual([201, 201]);
    // One key twice in one batch is one file item, counted once.
    const other = await createSignedInUser();
    const twice = { ...body, idempotencyKey: "twice-in-one-batch-0" };
    const dup = await createBatch(jsonRequest("/api/uploads/batch", { cookie: other.cookie, body: { files: [twice, twice, { ...twice, idempotencyKey: undefined, size: 50 * MIB }] } }));
    const { results } = await dup.json();
    expect(results.map((r: { status: number }) => r.status)).toEqual([201, 201, 201]);
    expect(results[1].file.id).toBe(results[0].file.id);
  });
});
