import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { POST as createBatch } from "@/app/api/uploads/batch/route";
import { POST as completeBatch } from "@/app/api/uploads/batch/complete/route";
import { POST as createUpload } from "@/app/api/uploads/route";
import { POST as completeUpload } from "@/app/api/uploads/[id]/complete/route";
import { POST as signParts } from "@/app/api/uploads/[id]/parts/route";
import { POST as partsDone } from "@/app/api/uploads/[id]/parts/done/route";
import { getFileItemById } from "@/db/queries/file-items";
import { proxy } from "@/proxy";
import { getEnv, type Env } from "@/server/env";
import { storageBrowserOrigin, storageBrowserOrigins } from "@/server/storage/part-urls";
import { crc32Base64 } from "@/client/hashing/checksum";
import { MIB } from "@/lib/units";
import type { CompleteUploadsResponse, CreateUploadsResponse, MultipartUploadTarget, PostUploadTarget, SignPartsResponse } from "@/lib/contracts/upload-schemas";
import { APP, createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { MP4_FTYP_HEADER, PNG_SIGNATURE, startingWith } from "../testing/file-signatures";
import { sha256OfObject } from "../testing/s3-direct";
import { withPostForms } from "../testing/store-abilities";

/**
 * The bucket's two loopback host names, as the app derives them when S3_PUBLIC_ENDPOINT is unset
 * and S3_ENDPOINT is MinIO on 127.0.0.1 (zero-config dev and the bench): forms and part URLs go to
 * both, straight to MinIO (not through the suite's fault proxy).
 */
const minio = new URL(process.env.S3_ENDPOINT!);
const NUMERIC = `http://127.0.0.1:${minio.port}`;
const NAMED = `http://localhost:${minio.port}`;

type Saved = Pick<Env, "S3_PUBLIC_ENDPOINT" | "MULTIPART_THRESHOLD_BYTES" | "UPLOAD_PART_SIZE_MIB">;
let saved: Saved;
const cache = globalThis as unknown as { __s3?: unknown };

beforeAll(() => {
  const env = getEnv();
  saved = { S3_PUBLIC_ENDPOINT: env.S3_PUBLIC_ENDPOINT, MULTIPART_THRESHOLD_BYTES: env.MULTIPART_THRESHOLD_BYTES, UPLOAD_PART_SIZE_MIB: env.UPLOAD_PART_SIZE_MIB };
  env.S3_PUBLIC_ENDPOINT = undefined;
  cache.__s3 = undefined; // server/storage/clients.ts builds its clients again from this env
});

afterAll(() => {
  Object.assign(getEnv(), saved);
  cache.__s3 = undefined;
});

type Session = Awaited<ReturnType<typeof createSignedInUser>>;
type Created = Extract<CreateUploadsResponse["results"][number], { status: 201 }> & { upload: PostUploadTarget };

async function createPngs(session: Session, count: number, size: number): Promise<Created[]> {
  const files = Array.from({ length: count }, (_, i) => ({ name: `photo-${i}.png`, size, type: "image/png" }));
  const res = await createBatch(jsonRequest("/api/uploads/batch", { cookie: session.cookie, body: { files } }));
  expect(res.status).toBe(200);
  const { results } = (await res.json()) as CreateUploadsResponse;
  for (const result of results) expect(result.status).toBe(201);
  return results as Created[];
}

/** Posts to storage the way the browser does: the signed fields first, the file last. */
async function postForm(upload: PostUploadTarget, bytes: Uint8Array, url = upload.url): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]));
  return fetch(url, { method: "POST", body: form });
}

/** `url` with its host name swapped for the other loopback name: the same MinIO, another host to the browser. */
function onOtherHost(url: string): string {
  const moved = new URL(url);
  moved.hostname = moved.hostname === "localhost" ? "127.0.0.1" : "localhost";
  return moved.toString();
}

withPostForms();

describe("upload host names: a loopback S3_ENDPOINT gives the bucket two", () => {
  it("are 127.0.0.1 and localhost, the first for downloads; the page's CSP allows both", async () => {
    expect(await storageBrowserOrigins()).toEqual([NUMERIC, NAMED]);
    expect(await storageBrowserOrigin()).toBe(NUMERIC);
    const page = await proxy(new NextRequest(`${APP}/upload`));
    const policy = new Map(page.headers.get("content-security-policy")!.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)]));
    for (const directive of ["connect-src", "img-src", "media-src"]) expect(policy.get(directive)).toEqual(expect.arrayContaining([NUMERIC, NAMED]));
  });

  it("spreads a batch's forms evenly, alternating in the order the page sends them", async () => {
    const session = await createSignedInUser();
    for (const count of [24, 7]) {
      const origins = (await createPngs(session, count, 100)).map((r) => new URL(r.upload.url).origin);
      const onNumeric = origins.filter((o) => o === NUMERIC).length;
      expect(onNumeric + origins.filter((o) => o === NAMED).length).toBe(count);
      expect(Math.abs(onNumeric - (count - onNumeric))).toBeLessThanOrEqual(1);
      for (let i = 1; i < origins.length; i++) expect(origins[i]).not.toBe(origins[i - 1]);
    }
  });

  it("a form signed for localhost and one for 127.0.0.1 both upload and complete; a form works on either host (the policy names no host)", async () => {
    const session = await createSignedInUser();
    const created = await createPngs(session, 3, 4096);
    const hosts = created.map((r) => new URL(r.upload.url).hostname);
    expect(new Set(hosts.slice(0, 2))).toEqual(new Set(["127.0.0.1", "localhost"]));
    const bytes = created.map((_, i) => startingWith(PNG_SIGNATURE, 4096, i + 1));
    for (const [i, r] of created.slice(0, 2).entries()) expect((await postForm(r.upload, bytes[i]!)).status).toBe(204);
    // The third, sent to the host it was not signed for: still stored, as S3 signs the policy, not the URL.
    expect((await postForm(created[2]!.upload, bytes[2]!, onOtherHost(created[2]!.upload.url))).status).toBe(204);
    const res = await completeBatch(jsonRequest("/api/uploads/batch/complete", { cookie: session.cookie, body: { ids: created.map((r) => r.file.id) } }));
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as CompleteUploadsResponse;
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it("signs part n for host (n - 1) mod 2; a part URL sent to the other host is refused (the host is signed), on its own host it stores and completes", async () => {
    const env = getEnv();
    env.MULTIPART_THRESHOLD_BYTES = 5 * MIB;
    env.UPLOAD_PART_SIZE_MIB = 5;
    const session = await createSignedInUser();
    const data = startingWith(MP4_FTYP_HEADER, 11 * MIB, 3);
    const created = await createUpload(jsonRequest("/api/uploads", { cookie: session.cookie, body: { name: "clip.mp4", size: data.length, type: "video/mp4" } }));
    expect(created.status).toBe(201);
    const { file, upload } = (await created.json()) as { file: { id: string }; upload: MultipartUploadTarget };
    expect(upload).toMatchObject({ strategy: "multipart", partSize: 5 * MIB, partCount: 3 });
    const parts = [0, 1, 2].map((i) => data.subarray(i * upload.partSize, (i + 1) * upload.partSize));
    const checksums = Object.fromEntries(await Promise.all(parts.map(async (p, i) => [String(i + 1), await crc32Base64(p)] as const)));
    const signed = await signParts(jsonRequest(`/api/uploads/${file.id}/parts`, { cookie: session.cookie, body: { partNumbers: [1, 2, 3], checksums } }), routeParams({ id: file.id }));
    expect(signed.status).toBe(200);
    const { parts: urls } = (await signed.json()) as SignPartsResponse;
    expect(urls.map((p) => new URL(p.url).origin)).toEqual([NUMERIC, NAMED, NUMERIC]);

    const put = (url: string, n: number) => fetch(url, { method: "PUT", body: parts[n - 1] as Uint8Array<ArrayBuffer>, headers: { "x-amz-checksum-crc32": checksums[n]! } });
    for (const part of urls) {
      const elsewhere = await put(onOtherHost(part.url), part.partNumber);
      expect(elsewhere.status).toBe(403);
      expect(await elsewhere.text()).toMatch(/SignatureDoesNotMatch/);
    }
    const reports = await Promise.all(
      urls.map(async (part) => {
        const res = await put(part.url, part.partNumber);
        expect(res.status).toBe(200);
        return { partNumber: part.partNumber, etag: res.headers.get("etag")!, checksum: checksums[part.partNumber] };
      }),
    );
    expect((await partsDone(jsonRequest(`/api/uploads/${file.id}/parts/done`, { cookie: session.cookie, body: { parts: reports } }), routeParams({ id: file.id }))).status).toBe(204);
    const completed = await completeUpload(jsonRequest(`/api/uploads/${file.id}/complete`, { method: "POST", cookie: session.cookie }), routeParams({ id: file.id }));
    expect(completed.status).toBe(200);
    const row = await getFileItemById({ id: file.id, ownerId: session.user.id });
    expect(await sha256OfObject(row!.key)).toBe(createHash("sha256").update(data).digest("hex"));
  });
});
