import "server-only";
import { getFileItemById } from "@/db/queries/file-items";
import type { FileItem } from "@/db/schema";
import { AppError } from "@/server/http/app-error";

export async function requireOwnedFileItem(id: string, ownerId: string): Promise<FileItem> {
  const item = await getFileItemById({ id, ownerId });
  if (!item) throw new AppError("not_found", "No such upload.");
  return item;
}

/** A route's `item` (server/http/route.ts): the caller's file item that `[id]` names. */
export function ownedFileItem({ user, params }: { user: { id: string }; params: { id: string } }): Promise<FileItem> {
  return requireOwnedFileItem(params.id, user.id);
}

/**
 * Reads the file item again every `intervalMs`, up to `polls` times, until `settled` holds: how a request
 * waits for another one working on the same upload. Answers the last file item read (settled or not).
 */
export async function waitForFileItem(item: FileItem, settled: (latest: FileItem) => boolean, { polls, intervalMs }: { polls: number; intervalMs: number }): Promise<FileItem> {
  let current = item;
  for (let poll = 0; poll < polls && !settled(current); poll++) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    current = await requireOwnedFileItem(item.id, item.userId);
  }
  return current;
}
