import "server-only";
import { allPartSignings, presignBrowserRequest } from "./part-urls";

/** A presigned PutObject for the browser: the URL, and the headers it must send exactly (each is signed). */
export type SignedPut = { url: string; headers: Record<string, string>; expiresAt: string };

let putsSigned = 0;

/**
 * Signs a browser PUT that can write exactly one object: this key, exactly `size` bytes (a signed
 * Content-Length), this Content-Type, whose CRC32 is `checksumCRC32` (S3 refuses a body that does
 * not match it), until `expiresAt` at the latest (whole seconds from now, as forms do). With `ifNoneMatch` it writes only while nothing
 * is stored at the key (`If-None-Match: *`, S3's conditional write): a second PUT is refused with
 * 412, so the URL can never replace bytes once they are there. Each of these is a signed header, not
 * a query parameter, so a request without it or with another value fails the signature. URLs take
 * the bucket's browser endpoints in turn, as forms do (post-policy.ts); the signature is the SDK's
 * SigV4, made as part URLs are (part-urls.ts).
 */
export async function signUploadPut(input: {
  key: string;
  size: number;
  contentType: string;
  checksumCRC32: string;
  ifNoneMatch: boolean;
  expiresAt: Date;
}): Promise<SignedPut> {
  const signings = await allPartSignings();
  const sent: Record<string, string> = { "Content-Type": input.contentType, "x-amz-checksum-crc32": input.checksumCRC32 };
  if (input.ifNoneMatch) sent["If-None-Match"] = "*";
  const signedAt = new Date();
  const seconds = Math.max(1, Math.floor((input.expiresAt.getTime() - signedAt.getTime()) / 1000));
  const url = await presignBrowserRequest(signings[putsSigned++ % signings.length]!, {
    method: "PUT",
    key: input.key,
    operation: "PutObject",
    headers: { "content-length": String(input.size), ...sent },
    expiresInSeconds: seconds,
    signingDate: signedAt,
  });
  return { url, headers: sent, expiresAt: new Date(signedAt.getTime() + seconds * 1000).toISOString() };
}
