/**
 * The CLI's bytes to storage over fetch: Node has no XMLHttpRequest. Failures are thrown as the
 * page's transports throw them (StorageError), so the shared retry rules decide what happens
 * next. fetch has no upload progress: bytes count once storage has them.
 */
import type { PartTransport } from "../client/multipart/part-transport";
import type { PostTransport } from "../client/post/post-transport";
import type { PutTransport } from "../client/put/put-transport";
import { storageErrorFor, storageUnreachable } from "../client/storage-error";

/** A small file's signed form POST. */
export const postWithFetch: PostTransport = async (target, file, options = {}) => {
  const form = new FormData();
  for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
  // S3 ignores every field after `file`, so the policy fields go first.
  form.append("file", file);
  let res: Response;
  try {
    res = await fetch(target.url, { method: "POST", body: form, signal: options.signal });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw storageUnreachable();
  }
  if (!res.ok) throw storageErrorFor(res.status, await res.text().catch(() => ""), res.headers.get("retry-after"));
  options.onProgress?.(file.size);
};

/** A small file's presigned PUT, with exactly the headers its URL signs (Content-Length is the body's). */
export const putWithFetch: PutTransport = async (target, file, options = {}) => {
  let res: Response;
  try {
    res = await fetch(target.url, { method: "PUT", body: Buffer.from(await file.arrayBuffer()), headers: target.headers, signal: options.signal });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw storageUnreachable();
  }
  if (!res.ok) throw storageErrorFor(res.status, await res.text().catch(() => ""), res.headers.get("retry-after"));
  options.onProgress?.(file.size);
};

/** One part's PUT to its presigned URL, with the CRC32 header signed into it (when the upload's parts carry one). */
export const putPartWithFetch: PartTransport = async (url, body, checksum, options) => {
  let res: Response;
  try {
    res = await fetch(url, { method: "PUT", body: Buffer.from(await body.arrayBuffer()), headers: checksum ? { "x-amz-checksum-crc32": checksum } : {}, signal: options.signal });
  } catch (err) {
    if (options.signal.aborted) throw err;
    throw storageUnreachable();
  }
  const etag = res.headers.get("etag");
  // Node reads every header, so a 2xx without an ETag is storage's own fault: a refusal, as in the page.
  if (!res.ok || !etag) throw storageErrorFor(res.ok ? 403 : res.status, await res.text(), res.headers.get("retry-after"));
  options.onProgress(body.size);
  return { etag };
};
