import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { crc32Base64 } from "@/client/hashing/checksum";
import { classifyFailure } from "@/client/retry-policy";
import { MIB } from "@/lib/units";
import { createFaultPicker, faultControl, faultSettingsSchema, startFaultProxy, type FaultKind, type FaultProxy } from "../testing/fault-proxy";
import { sha256OfObject, testS3 } from "../testing/s3-direct";

const ORIGIN = "http://app.example.test";
const PART_BYTES = 2 * MIB;
const bucket = () => process.env.S3_BUCKET!;

let proxy: FaultProxy;
/** Signs for the proxy's host, as the app does with S3_PUBLIC_ENDPOINT pointed at it. */
let viaProxy: S3Client;

beforeAll(async () => {
  proxy = await startFaultProxy({ target: process.env.S3_ENDPOINT! });
  viaProxy = new S3Client({
    region: process.env.S3_REGION,
    endpoint: proxy.url,
    forcePathStyle: true,
    credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID!, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY! },
    requestChecksumCalculation: "WHEN_REQUIRED",
  });
});

afterAll(async () => {
  await proxy?.close();
});

beforeEach(() => void proxy.configure({}));

/** A presigned UploadPart URL pinned to length and CRC32, exactly as server/storage/part-urls.ts signs them. */
async function signedPart(bytes: Uint8Array) {
  const key = `fault-proxy/${randomUUID()}.bin`;
  const { UploadId } = await testS3().send(new CreateMultipartUploadCommand({ Bucket: bucket(), Key: key, ChecksumAlgorithm: "CRC32" }));
  const checksum = await crc32Base64(bytes);
  const command = new UploadPartCommand({ Bucket: bucket(), Key: key, UploadId, PartNumber: 1, ContentLength: bytes.length, ChecksumCRC32: checksum });
  const signed = new Set(["content-length", "x-amz-checksum-crc32"]);
  const url = await getSignedUrl(viaProxy, command, { expiresIn: 300, signableHeaders: signed, unhoistableHeaders: signed });
  return { key, uploadId: UploadId!, checksum, url };
}

const putPart = (url: string, bytes: Uint8Array, checksum: string) =>
  fetch(url, { method: "PUT", body: bytes as Uint8Array<ArrayBuffer>, headers: { "x-amz-checksum-crc32": checksum, origin: ORIGIN } });

describe("fault proxy in front of MinIO", () => {
  it("forwards a presigned UploadPart PUT intact: the signature made for the proxy's host holds, and the bytes arrive", async () => {
    const bytes = randomBytes(PART_BYTES);
    const part = await signedPart(bytes);
    const res = await putPart(part.url, bytes, part.checksum);
    // MinIO only accepts this if it saw the Host the URL was signed for, which is the proxy's.
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const etag = res.headers.get("etag")!;
    await testS3().send(
      new CompleteMultipartUploadCommand({ Bucket: bucket(), Key: part.key, UploadId: part.uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: etag, ChecksumCRC32: part.checksum }] } }),
    );
    expect(await sha256OfObject(part.key)).toBe(createHash("sha256").update(bytes).digest("hex"));

    // A tampered signature still fails: the proxy passes MinIO's refusals through.
    const tampered = part.url.replace(/X-Amz-Signature=([0-9a-f])/, (_, c: string) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`);
    const refused = await putPart(tampered, bytes, part.checksum);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("SignatureDoesNotMatch");
    expect(proxy.stats()).toMatchObject({ requests: 2, forwarded: 2, uploads: { part: 2, single: 0 }, events: [] });
  });

  // Regression: MinIO refuses a bad signature before reading the body. The proxy left the rest of
  // the body unread, so the client's next request on that connection hung behind the unread bytes
  // for 6 s, then got ECONNRESET. (Closing the connection instead made the client lose the answer
  // to EPIPE on big bodies; tests/multipart.test.ts covers that with 16 MiB parts.)
  it("after an answer that came before the whole body, the client's next request neither hangs nor resets", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, url: string, body?: Buffer) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(url, { method, agent, headers: body ? { "content-length": body.length } : {} }, (res) => {
          res.resume().on("end", () => resolve(res.statusCode!));
        });
        req.on("error", reject).end(body);
      });
    try {
      const bytes = randomBytes(MIB);
      const part = await signedPart(bytes);
      const tampered = part.url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${"0".repeat(64)}`);
      expect(await send("PUT", tampered, bytes)).toBeGreaterThanOrEqual(400);
      expect(await send("GET", `${proxy.url}/minio/health/live`)).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it("passes CORS preflights and plain GETs to MinIO, and never faults them", async () => {
    proxy.configure({ dropRate: 1 });
    const preflight = await fetch(`${proxy.url}/${bucket()}/any.bin?partNumber=1&uploadId=x`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "PUT", "access-control-request-headers": "x-amz-checksum-crc32" },
    });
    expect(preflight.ok).toBe(true);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(ORIGIN);

    const key = `fault-proxy/${randomUUID()}.txt`;
    await testS3().send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: "hello" }));
    const got = await fetch(await getSignedUrl(viaProxy, new GetObjectCommand({ Bucket: bucket(), Key: key }), { expiresIn: 60 }));
    expect(await got.text()).toBe("hello");
    expect(proxy.stats()).toMatchObject({ requests: 2, forwarded: 2, events: [] });
  });

  type Case = { kind: FaultKind; settings: Parameters<FaultProxy["configure"]>[0] };
  it.each<Case>([
    { kind: "slowDown", settings: { slowDownRate: 1 } },
    { kind: "expire", settings: { expireRate: 1 } },
  ])("answers $kind itself, with S3's XML and CORS headers, without forwarding", async ({ kind, settings }) => {
    proxy.configure(settings);
    const bytes = randomBytes(PART_BYTES);
    const part = await signedPart(bytes);
    const res = await putPart(part.url, bytes, part.checksum);
    const body = await res.text();
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    if (kind === "slowDown") {
      expect(res.status).toBe(503);
      expect(body).toContain("<Code>SlowDown</Code>");
      expect(res.headers.get("retry-after")).toBe("1");
      expect(res.headers.get("access-control-expose-headers")).toMatch(/Retry-After/);
      expect(classifyFailure({ status: res.status, body })).toBe("retry");
    } else {
      expect(res.status).toBe(403);
      expect(body).toContain("<Code>AccessDenied</Code><Message>Request has expired</Message>");
      expect(classifyFailure({ status: res.status, body })).toBe("expired");
    }
    expect(proxy.stats()).toMatchObject({ forwarded: 0, uploads: { part: 1 }, faults: { part: { [kind]: 1 } }, events: [{ kind, target: "part", part: { key: `${part.uploadId}#1`, partNumber: 1, attempt: 1 } }] });
  });

  it("drops a part request mid-body: part of the bytes arrive, then the connection resets with no answer", async () => {
    proxy.configure({ dropRate: 1, seed: 7 });
    const bytes = randomBytes(PART_BYTES);
    const part = await signedPart(bytes);
    await expect(putPart(part.url, bytes, part.checksum)).rejects.toThrow(/fetch failed/);
    await expect(putPart(part.url, bytes, part.checksum)).rejects.toThrow(/fetch failed/);
    const stats = proxy.stats();
    expect(stats).toMatchObject({ forwarded: 0, faults: { part: { drop: 2 } } });
    expect(stats.events.map((e) => e.part?.attempt)).toEqual([1, 2]);
    const cut = stats.events[0]!.cutAfterBytes!;
    expect(cut).toBeGreaterThanOrEqual(PART_BYTES / 4);
    expect(cut).toBeLessThan((PART_BYTES * 3) / 4);
  });

  it("delays a part request, then forwards it and MinIO stores it", async () => {
    proxy.configure({ delayRate: 1, delayMs: 400, seed: 3 });
    const bytes = randomBytes(PART_BYTES);
    const part = await signedPart(bytes);
    const started = Date.now();
    const res = await putPart(part.url, bytes, part.checksum);
    expect(res.status).toBe(200);
    const [event] = proxy.stats().events;
    expect(event).toMatchObject({ kind: "delay", target: "part" });
    expect(event!.delayMs).toBeLessThan(400);
    expect(Date.now() - started).toBeGreaterThanOrEqual(event!.delayMs!);
    expect(proxy.stats()).toMatchObject({ forwarded: 1, faults: { part: { delay: 1 } } });
  });

  it("faults browser form POSTs too, unless told to fault parts only", async () => {
    const key = `fault-proxy/${randomUUID()}.png`;
    const post = await createPresignedPost(viaProxy, { Bucket: bucket(), Key: key, Expires: 60 });
    const send = () => {
      const form = new FormData();
      for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
      form.append("file", new Blob([randomBytes(300_000)]));
      return fetch(post.url, { method: "POST", body: form, headers: { origin: ORIGIN } });
    };
    proxy.configure({ slowDownRate: 1, targets: ["part"] });
    expect((await send()).status).toBe(204);
    proxy.configure({ slowDownRate: 1 });
    expect((await send()).status).toBe(503);
    proxy.configure({ dropRate: 1 });
    await expect(send()).rejects.toThrow(/fetch failed/);
    expect(proxy.stats()).toMatchObject({ forwarded: 0, uploads: { single: 1 }, faults: { single: { drop: 1 } } });
  });

  it("is repeatable: the same seed makes the same choices, at about the asked rates", () => {
    const settings = faultSettingsSchema.parse({ dropRate: 0.1, slowDownRate: 0.1, expireRate: 0.05, delayRate: 0.1, delayMs: 300, seed: 42 });
    const run = (seed: number) => {
      const pick = createFaultPicker({ ...settings, seed });
      return Array.from({ length: 2_000 }, () => pick().kind);
    };
    const first = run(42);
    expect(run(42)).toEqual(first);
    expect(run(43)).not.toEqual(first);
    const share = (kind: FaultKind | null) => first.filter((k) => k === kind).length / first.length;
    expect(share("drop")).toBeCloseTo(0.1, 1);
    expect(share("slowDown")).toBeCloseTo(0.1, 1);
    expect(share("expire")).toBeCloseTo(0.05, 1);
    expect(share("delay")).toBeCloseTo(0.1, 1);
  });

  it("is driven over HTTP from other processes: set, read stats, turn off (stats kept), refuse bad settings", async () => {
    const control = faultControl(proxy.url);
    expect(await control.set({ expireRate: 1, seed: 5 })).toMatchObject({ expireRate: 1, dropRate: 0, seed: 5, targets: ["part", "single"] });
    const bytes = randomBytes(1024);
    const part = await signedPart(bytes);
    expect((await putPart(part.url, bytes, part.checksum)).status).toBe(403);
    await control.off();
    expect((await putPart(part.url, bytes, part.checksum)).status).toBe(200);
    expect(await control.stats()).toMatchObject({ requests: 2, forwarded: 1, faults: { part: { expire: 1 } } });
    await expect(control.set({ dropRate: 0.6, slowDownRate: 0.6 })).rejects.toThrow(/400/);
  });
});
