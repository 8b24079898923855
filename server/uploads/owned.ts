import "server-only";
import { getFileItemById } from "@/db/queries/file-items";
import type { FileItem } from "@/db/schema";
import { AppError } from "@/server/http/app-error";

export async function requireOwnedItem(id: string, ownerId: string): Promise<FileItem> {
  const item = await getFileItemById({ id, ownerId });
  if (!item) throw new AppError("not_found", "No such upload.");
  return item;
}

/** A route's `item` (server/http/route.ts): the caller's upload that `[id]` names. */
export function ownedUpload({ user, params }: { user: { id: string }; params: { id: string } }): Promise<FileItem> {
  return requireOwnedItem(params.id, user.id);
}

/**
 * Reads the row again every `intervalMs`, up to `polls` times, until `settled` holds: how a request
 * waits for another one working on the same upload. Answers the last row read (settled or not).
 */
export async function waitForRow(item: FileItem, settled: (row: FileItem) => boolean, { polls, intervalMs }: { polls: number; intervalMs: number }): Promise<FileItem> {
  let current = item;
  for (let poll = 0; poll < polls && !settled(current); poll++) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    current = await requireOwnedItem(item.id, item.userId);
  }
  return current;
}
