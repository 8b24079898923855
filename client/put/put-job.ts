/**
 * The presigned PUT strategy, for stores without POST Object (Cloudflare R2, Backblaze B2): a small
 * file's bytes in one PUT whose URL signs its key, size, type and CRC32, then its complete
 * (client/single-request.ts, shared with the POST strategy). A transient failure sends the same PUT
 * again; an expired URL gets a fresh file item.
 */
import { singleRequestJob } from "@/client/single-request";
import { StorageError } from "@/client/storage-error";

/**
 * 412: the URL writes only while nothing is at its key (`If-None-Match: *`), so a PUT sent again
 * after its answer was lost finds its own bytes there. The complete checks them either way.
 */
function alreadyStored(err: unknown): boolean {
  return err instanceof StorageError && err.status === 412;
}

export const putUploadJob = singleRequestJob("put", (transport) => transport.putFile, alreadyStored);
