/**
 * The CLI's bytes to storage over fetch: Node has no XMLHttpRequest. Failures are thrown as the
 * page's transports throw them (TransferError, PartTransferError), so the shared retry rules
 * decide what happens next. fetch has no upload progress: bytes count once storage has them.
 */
import { PartTransferError } from "../client/multipart/part-transport";
import { TransferError, transferErrorFor, type PostTransport } from "../client/post/post-transport";

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
    throw new TransferError("network_error", "The connection to storage failed.", 0);
  }
  if (!res.ok) throw transferErrorFor(res.status, await res.text().catch(() => ""), res.headers.get("retry-after"));
  options.onProgress?.(file.size);
};

/** One part's PUT to its presigned URL, with the CRC32 header signed into it. */
export async function putPartWithFetch(
  url: string,
  body: Blob,
  checksum: string,
  options: { signal: AbortSignal; onProgress: (loaded: number) => void },
): Promise<{ etag: string }> {
  let res: Response;
  try {
    res = await fetch(url, { method: "PUT", body: Buffer.from(await body.arrayBuffer()), headers: { "x-amz-checksum-crc32": checksum }, signal: options.signal });
  } catch (err) {
    if (options.signal.aborted) throw err;
    throw new PartTransferError(0, "", null);
  }
  const etag = res.headers.get("etag");
  if (!res.ok || !etag) throw new PartTransferError(res.status, await res.text(), res.headers.get("retry-after"));
  options.onProgress(body.size);
  return { etag };
}
