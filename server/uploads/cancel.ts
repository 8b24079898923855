import "server-only";
import { markFileAborted } from "@/db/queries/file-item-status";
import { AppError } from "@/server/http/app-error";
import { discardUpload } from "./discard";
import { requireOwnedFileItem } from "./owned";

/**
 * Cancels a pending upload: the file item becomes aborted, and only the request that moved it removes
 * what is stored. A complete in progress or done wins: 409.
 */
export async function cancelUpload(id: string, ownerId: string): Promise<void> {
  const item = await requireOwnedFileItem(id, ownerId);
  if (item.status === "pending") {
    const aborted = await markFileAborted({ id, ownerId });
    if (aborted) return discardUpload(aborted);
  }
  const current = item.status === "pending" ? await requireOwnedFileItem(id, ownerId) : item;
  if (current.status === "aborted") return;
  if (current.status === "completing") throw new AppError("conflict", "This upload is completing; delete the file once it is done.");
  throw new AppError("conflict", `This upload is ${current.status}; delete the file instead.`);
}
