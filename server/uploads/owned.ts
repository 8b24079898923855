import "server-only";
import { getFileItemById } from "@/db/queries/file-items";
import type { FileItem } from "@/db/schema";
import { AppError } from "@/lib/contracts/errors";

export async function requireOwnedItem(id: string, ownerId: string): Promise<FileItem> {
  const item = await getFileItemById({ id, ownerId });
  if (!item) throw new AppError("not_found", "No such upload.");
  return item;
}

/** A route's `item` (server/http/route.ts): the caller's upload that `[id]` names. */
export function ownedUpload({ user, params }: { user: { id: string }; params: { id: string } }): Promise<FileItem> {
  return requireOwnedItem(params.id, user.id);
}
