import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { crc32 } from "node:zlib";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { StoreAbilities } from "@/lib/store-abilities";
import { getEnv } from "@/server/env";
import { CORS_ALLOWED_HEADERS } from "./bucket";
import { preflightRefusal } from "./cors-preflight";
import { clients } from "./clients";

/**
 * `works`: the store does it as S3 does. `missing`: the store refuses the request or ignores the
 * condition, so the app must not rely on it. `unsafe`: the store takes the request but not what was
 * signed into it (a form over its size, say), so it must never be used.
 */
export type ProbeVerdict = "works" | "missing" | "unsafe";

export const PROBED_ABILITIES = ["postForms", "postChecksum", "presignedPut", "browserPut", "conditionalWrite", "conditionalCopy", "crc32Parts", "listParts"] as const;
export type ProbedAbility = (typeof PROBED_ABILITIES)[number];

export type ProbeResult = { verdict: ProbeVerdict; detail: string };
export type StoreProbe = Record<ProbedAbility, ProbeResult>;

const PROBE_BYTES = new TextEncoder().encode("probe");
const PROBE_TYPE = "text/plain";

/** How a refusal reads in a report: `412 PreconditionFailed`, or the network error's message. */
function refusal(err: unknown): string {
  if (err instanceof S3ServiceException) return `${err.$metadata.httpStatusCode ?? "?"} ${err.name}`;
  return err instanceof Error ? err.message : String(err);
}

/** The request's outcome as a result, never a throw: `ok` or the refusal. */
async function attempt(work: () => Promise<unknown>): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    await work();
    return { ok: true };
  } catch (err) {
    return { ok: false, why: refusal(err) };
  }
}

/** Base64 of the big-endian CRC32, as `x-amz-checksum-crc32` carries it (zlib's CRC32 is S3's polynomial). */
function crc32Base64(bytes: Uint8Array): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(bytes) >>> 0);
  return out.toString("base64");
}

/** A fetch the store answered with something other than 2xx, as a refusal. */
async function expectOk(response: Promise<Response>): Promise<void> {
  const res = await response;
  if (res.ok) return;
  const body = await res.text();
  const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1] ?? "";
  throw new Error(`${res.status} ${code}`.trim());
}

type ProbeContext = { bucket: string; key: (name: string) => string };

/** A POST form for exactly 5 bytes of text/plain: the right body is stored, one byte more is refused. */
async function probePostForms({ bucket, key }: ProbeContext): Promise<ProbeResult> {
  const Key = key("post");
  const { url, fields } = await createPresignedPost(clients().internal, {
    Bucket: bucket,
    Key,
    Conditions: [["eq", "$key", Key], ["content-length-range", PROBE_BYTES.length, PROBE_BYTES.length], ["eq", "$Content-Type", PROBE_TYPE]],
    Fields: { "Content-Type": PROBE_TYPE },
    Expires: 60,
  });
  const post = (bytes: Uint8Array) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append("file", new Blob([Buffer.from(bytes)], { type: PROBE_TYPE }));
    return expectOk(fetch(url, { method: "POST", body: form }));
  };
  const right = await attempt(() => post(PROBE_BYTES));
  if (!right.ok) return { verdict: "missing", detail: `a valid form was refused (${right.why})` };
  const tooLong = await attempt(() => post(new Uint8Array([...PROBE_BYTES, 0x21])));
  if (tooLong.ok) return { verdict: "unsafe", detail: "a form's size condition was not enforced" };
  return { verdict: "works", detail: "forms stored; a body over the signed size refused" };
}

/**
 * A POST form bound to a body's SHA-256 (as server/storage/post-policy.ts signs them): the store
 * must refuse other bytes of the same size; the right ones are stored.
 */
async function probePostChecksum({ bucket, key }: ProbeContext): Promise<ProbeResult> {
  const Key = key("post-checksum");
  const sha256 = createHash("sha256").update(PROBE_BYTES).digest("base64");
  const fields = { "Content-Type": PROBE_TYPE, "x-amz-checksum-algorithm": "SHA256", "x-amz-checksum-sha256": sha256 };
  const { url, fields: signed } = await createPresignedPost(clients().internal, {
    Bucket: bucket,
    Key,
    Conditions: [["eq", "$key", Key], ["content-length-range", PROBE_BYTES.length, PROBE_BYTES.length], ...Object.entries(fields).map(([name, value]) => ["eq", `$${name}`, value] as ["eq", string, string])],
    Fields: fields,
    Expires: 60,
  });
  const post = (bytes: Uint8Array) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(signed)) form.append(name, value);
    form.append("file", new Blob([Buffer.from(bytes)], { type: PROBE_TYPE }));
    return expectOk(fetch(url, { method: "POST", body: form }));
  };
  const other = await attempt(() => post(new TextEncoder().encode("PROBE")));
  if (other.ok) return { verdict: "missing", detail: "a form bound to a SHA-256 stored other bytes: the store does not check it" };
  const right = await attempt(() => post(PROBE_BYTES));
  if (!right.ok) return { verdict: "missing", detail: `a form bound to its body's SHA-256 was refused (${right.why})` };
  return { verdict: "works", detail: `other bytes refused (${other.why}); the right ones stored` };
}

/** A presigned PUT with Content-Length and Content-Type signed: stored as signed, refused with one byte more. */
async function probePresignedPut({ bucket, key }: ProbeContext): Promise<ProbeResult> {
  const Key = key("put");
  const url = await getSignedUrl(
    clients().internal,
    new PutObjectCommand({ Bucket: bucket, Key, ContentType: PROBE_TYPE, ContentLength: PROBE_BYTES.length }),
    { expiresIn: 60, unhoistableHeaders: new Set(["content-type", "content-length"]) },
  );
  const put = (bytes: Uint8Array) => expectOk(fetch(url, { method: "PUT", body: Buffer.from(bytes), headers: { "content-type": PROBE_TYPE } }));
  const right = await attempt(() => put(PROBE_BYTES));
  if (!right.ok) return { verdict: "missing", detail: `a valid presigned PUT was refused (${right.why})` };
  const tooLong = await attempt(() => put(new Uint8Array([...PROBE_BYTES, 0x21])));
  if (tooLong.ok) return { verdict: "unsafe", detail: "a PUT over its signed Content-Length was stored" };
  return { verdict: "works", detail: "stored; a body over the signed length refused" };
}

/**
 * The CORS preflight a browser at APP_URL sends before each PUT (a small file's, a preview's or a
 * part's), to every host name the browser uploads to: the store must allow the method and every
 * header those PUTs sign. A bucket whose CORS rules were written by hand, or for another origin,
 * fails here; `npm run s3:setup` rewrites them.
 */
async function probeBrowserPut({ bucket, key }: ProbeContext): Promise<ProbeResult> {
  const origin = new URL(getEnv().APP_URL).origin;
  const Key = key("cors");
  for (const client of clients().uploads) {
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key }), { expiresIn: 60 });
    const res = await fetch(url, {
      method: "OPTIONS",
      headers: { Origin: origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": CORS_ALLOWED_HEADERS.join(",").toLowerCase() },
    });
    await res.arrayBuffer();
    const why = preflightRefusal(res, origin, CORS_ALLOWED_HEADERS);
    if (why) return { verdict: "missing", detail: `a browser at ${origin} may not PUT to ${new URL(url).host}: ${why}` };
  }
  return { verdict: "works", detail: `a browser at ${origin} may PUT with ${CORS_ALLOWED_HEADERS.join(", ")}` };
}

/** PutObject with `If-None-Match: *` twice: the second must be refused and leave the first. */
async function probeConditionalWrite({ bucket, key }: ProbeContext): Promise<ProbeResult> {
  const Key = key("conditional-write");
  const write = () => clients().internal.send(new PutObjectCommand({ Bucket: bucket, Key, Body: PROBE_BYTES, ContentType: PROBE_TYPE, IfNoneMatch: "*" }));
  const first = await attempt(write);
  if (!first.ok) return { verdict: "missing", detail: `If-None-Match: * on a new key was refused (${first.why})` };
  const second = await attempt(write);
  if (second.ok) return { verdict: "missing", detail: "a second write with If-None-Match: * replaced the object" };
  return { verdict: "works", detail: `a second write refused (${second.why})` };
}

/** CopyObject with a wrong `x-amz-copy-source-if-match` must be refused; with the right one, copied. */
async function probeConditionalCopy({ bucket, key }: ProbeContext): Promise<ProbeResult> {
  const source = key("copy-source");
  const target = key("copy-target");
  const stored = await clients().internal.send(new PutObjectCommand({ Bucket: bucket, Key: source, Body: PROBE_BYTES, ContentType: PROBE_TYPE }));
  const copy = (etag: string) =>
    clients().internal.send(new CopyObjectCommand({ Bucket: bucket, Key: target, CopySource: `${bucket}/${encodeURIComponent(source)}`, CopySourceIfMatch: etag }));
  const wrong = await attempt(() => copy('"00000000000000000000000000000000"'));
  if (wrong.ok) return { verdict: "missing", detail: "a copy with a wrong x-amz-copy-source-if-match went ahead" };
  const right = await attempt(() => copy(stored.ETag ?? ""));
  if (!right.ok) return { verdict: "missing", detail: `a copy with the right x-amz-copy-source-if-match was refused (${right.why})` };
  return { verdict: "works", detail: `a wrong ETag refused (${wrong.why})` };
}

/** A CRC32 multipart upload: a part with a wrong checksum refused, the right one taken, the upload completed with the part's checksum. */
async function probeMultipart({ bucket, key }: ProbeContext): Promise<{ crc32Parts: ProbeResult; listParts: ProbeResult }> {
  const Key = key("multipart");
  const s3 = clients().internal;
  let uploadId: string | undefined;
  const created = await attempt(async () => {
    uploadId = (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key, ContentType: PROBE_TYPE, ChecksumAlgorithm: "CRC32" }))).UploadId;
  });
  const unknown: ProbeResult = { verdict: "missing", detail: "not tried: the CRC32 multipart upload did not start" };
  if (!created.ok || !uploadId) return { crc32Parts: { verdict: "missing", detail: `CreateMultipartUpload with CRC32 refused (${created.ok ? "no UploadId" : created.why})` }, listParts: unknown };
  const UploadId = uploadId;
  try {
    const checksum = crc32Base64(PROBE_BYTES);
    const part = (ChecksumCRC32: string) => s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: PROBE_BYTES, ChecksumCRC32 }));
    const wrong = await attempt(() => part(crc32Base64(new Uint8Array([1, 2, 3]))));
    let etag: string | undefined;
    const right = await attempt(async () => {
      etag = (await part(checksum)).ETag;
    });
    const listed = await attempt(() => s3.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId })));
    const listParts: ProbeResult = listed.ok ? { verdict: "works", detail: "parts listed" } : { verdict: "missing", detail: `ListParts refused (${listed.why})` };
    if (!right.ok) return { crc32Parts: { verdict: "missing", detail: `a part with its right CRC32 was refused (${right.why})` }, listParts };
    const completed = await attempt(() =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: etag, ChecksumCRC32: checksum }] } })),
    );
    if (!completed.ok) return { crc32Parts: { verdict: "missing", detail: `parts taken, but the completion was refused (${completed.why})` }, listParts };
    if (wrong.ok) return { crc32Parts: { verdict: "missing", detail: "a part with a wrong CRC32 was taken: the store does not check part checksums" }, listParts };
    return { crc32Parts: { verdict: "works", detail: `a wrong CRC32 refused (${wrong.why}); completed` }, listParts };
  } finally {
    await attempt(() => s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId })));
  }
}

/**
 * Tries each ability the app may rely on against the real bucket, with tiny objects under
 * `prefix` (a prefix the app's credentials may write; every object is removed after). Never
 * throws for a refusal: each ability gets its verdict and what the store answered.
 */
export async function probeStore(prefix: string): Promise<StoreProbe> {
  const bucket = getEnv().S3_BUCKET;
  const run = randomUUID();
  const keys: string[] = [];
  const ctx: ProbeContext = {
    bucket,
    key: (name) => {
      const key = `${prefix}${run}/${name}`;
      keys.push(key);
      return key;
    },
  };
  const safely = (probe: (ctx: ProbeContext) => Promise<ProbeResult>) =>
    probe(ctx).catch((err: unknown): ProbeResult => ({ verdict: "missing", detail: `the probe failed (${refusal(err)})` }));
  try {
    const [postForms, postChecksum, presignedPut, browserPut, conditionalWrite, conditionalCopy, multipart] = await Promise.all([
      safely(probePostForms),
      safely(probePostChecksum),
      safely(probePresignedPut),
      safely(probeBrowserPut),
      safely(probeConditionalWrite),
      safely(probeConditionalCopy),
      probeMultipart(ctx).catch((err: unknown) => {
        const failed: ProbeResult = { verdict: "missing", detail: `the probe failed (${refusal(err)})` };
        return { crc32Parts: failed, listParts: failed };
      }),
    ]);
    return { postForms, postChecksum, presignedPut, browserPut, conditionalWrite, conditionalCopy, ...multipart };
  } finally {
    await attempt(() => clients().internal.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } })));
  }
}

/**
 * Where the configured abilities and the probe disagree. `problems`: what is configured but does
 * not work (uploads would fail, or be unsafe); `unused`: what works but is not configured.
 */
export function compareAbilities(abilities: StoreAbilities, probe: StoreProbe): { problems: string[]; unused: string[] } {
  const problems: string[] = [];
  const unused: string[] = [];
  const smallVia = abilities.smallUploads === "post" ? "postForms" : "presignedPut";
  const other = abilities.smallUploads === "post" ? "presignedPut" : "postForms";
  if (probe[smallVia].verdict !== "works") {
    const instead = probe[other].verdict === "works" ? `; set S3_SMALL_UPLOADS=${abilities.smallUploads === "post" ? "put" : "post"}` : "";
    problems.push(`small files go by ${abilities.smallUploads}, but ${probe[smallVia].detail}${instead}`);
  }
  const putsFinalKey = abilities.conditionalWrite && probe.conditionalWrite.verdict === "works";
  if (abilities.smallUploads === "put" && !putsFinalKey && probe.postForms.verdict === "works")
    unused.push("small files by PUT without conditional write are copied at complete as forms are, for a CORS preflight more (S3_SMALL_UPLOADS=post)");
  // Parts always go by PUT, so a refused preflight breaks large files whatever the small files use.
  if (probe.browserPut.verdict !== "works") problems.push(`${probe.browserPut.detail}; run \`npm run s3:setup\` to set the bucket's CORS (docs/storage.md)`);
  const flags: Array<[keyof StoreAbilities, boolean, ProbedAbility, string]> = [
    ["partChecksum", abilities.partChecksum === "crc32", "crc32Parts", "S3_PART_CHECKSUM"],
    ["conditionalWrite", abilities.conditionalWrite, "conditionalWrite", "S3_CONDITIONAL_WRITE"],
    ["conditionalCopy", abilities.conditionalCopy, "conditionalCopy", "S3_CONDITIONAL_COPY"],
    ["postChecksum", abilities.postChecksum, "postChecksum", "S3_POST_CHECKSUM"],
  ];
  for (const [ability, relied, probed, variable] of flags) {
    const works = probe[probed].verdict === "works";
    const off = ability === "partChecksum" ? "none" : "false";
    const on = ability === "partChecksum" ? "crc32" : "true";
    if (relied && !works) problems.push(`${ability} is relied on, but ${probe[probed].detail}; set ${variable}=${off}`);
    if (!relied && works) unused.push(`${ability} works here but is not used (${variable}=${on} would use it)`);
  }
  return { problems, unused };
}
