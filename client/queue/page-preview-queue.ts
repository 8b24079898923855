/**
 * The preview queue as the web page runs it: our preview routes on the page's origin (plan,
 * complete, and the report of previews that cannot be made), XHR form POSTs (or PUTs) over the
 * connections the uploads use, and makers sized to this machine's cores, which below 4 cores wait
 * while small files are sent (client/preview/preview-slots.ts). No React: the upload manager makes one per tab.
 */
import { completePreviews, planPreviews, reportFailedPreviews } from "@/client/api/upload-api";
import type { ConnectionPool } from "@/client/connection-pool";
import { postToStorage } from "@/client/post/post-transport";
import { putToStorage } from "@/client/put/put-transport";
import { crc32Base64 } from "@/client/hashing/checksum";
import { createPreviewMaker } from "@/client/preview/make-preview";
import { PreviewQueue } from "@/client/preview/preview-queue";
import { idlePreviewSlots, previewSlots, yieldsToSmallUploads } from "@/client/preview/preview-slots";
import type { UploadSettings } from "@/lib/contracts/upload-schemas";

/** Previews go as small files do (`settings.smallUploads`): by POST form unless the server takes PUTs, whose URLs sign each preview's CRC32. */
export function createPagePreviewQueue(pool: ConnectionPool, settings?: Pick<UploadSettings, "smallUploads">): PreviewQueue {
  const cores = typeof navigator === "undefined" ? undefined : navigator.hardwareConcurrency;
  const slots = previewSlots(cores);
  const idleSlots = idlePreviewSlots(cores);
  return new PreviewQueue({
    api: { planPreviews, completePreviews, reportFailedPreviews },
    pool,
    post: postToStorage,
    putFile: putToStorage,
    ...(settings?.smallUploads === "put" ? { hash: crc32Base64 } : {}),
    // Workers for the most makers at once; each starts when first needed.
    make: createPreviewMaker(idleSlots.image, pool),
    slots,
    idleSlots,
    yieldToSmallUploads: yieldsToSmallUploads(cores),
  });
}
