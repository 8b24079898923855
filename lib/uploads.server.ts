import "server-only";
import { randomUUID } from "node:crypto";
import { createFileItem, getFileItemById, markFileAborted, markFileUploaded } from "@/db/queries";
import type { FileItem } from "@/db/schema";
import { getEnv } from "./env";
import { AppError } from "./errors";
import { deleteObject, headObject, signUploadPost, type SignedPost } from "./s3.server";
import { checkUpload, parseAllowedTypes, safeExtension, type UploadRules } from "./upload-rules";
import type { CreateUploadBody } from "./upload-schemas";

export function getUploadRules(): UploadRules {
  const env = getEnv();
  return { allowedTypes: parseAllowedTypes(env.UPLOAD_ALLOWED_TYPES), maxBytes: env.UPLOAD_MAX_BYTES };
}

/** `u/<userId>/<fileId><.ext>`: generated here, so no user input ever reaches the key. */
export function objectKeyFor(userId: string, fileId: string, name: string, type: string): string {
  return `u/${userId}/${fileId}${safeExtension(name, type)}`;
}

export async function createPostUpload(userId: string, body: CreateUploadBody): Promise<{ item: FileItem; upload: SignedPost }> {
  const violation = checkUpload(body, getUploadRules());
  if (violation) throw new AppError(violation.code, violation.message);
  const id = randomUUID();
  const contentType = body.type.trim().toLowerCase();
  const key = objectKeyFor(userId, id, body.name, contentType);
  const item = await createFileItem({ id, userId, name: body.name, key, size: body.size, contentType, strategy: "post" });
  const upload = await signUploadPost({ key, size: body.size, contentType, expiresInSeconds: getEnv().UPLOAD_URL_TTL_SECONDS });
  return { item, upload };
}

async function requireOwnedItem(id: string, ownerId: string): Promise<FileItem> {
  const item = await getFileItemById({ id, ownerId });
  if (!item) throw new AppError("not_found", "No such upload.");
  return item;
}

/**
 * Marks the upload done only when S3 holds an object of the declared size and type; the size
 * recorded is S3's. A second call (or a concurrent one) returns the row as stored.
 */
export async function completeUpload(id: string, ownerId: string): Promise<FileItem> {
  const item = await requireOwnedItem(id, ownerId);
  if (item.status === "uploaded") return item;
  if (item.status !== "pending") throw new AppError("conflict", `This upload is ${item.status}.`);
  const stored = await headObject(item.key);
  if (!stored) throw new AppError("upload_incomplete", "The file has not reached storage yet.");
  if (stored.size !== item.size || (stored.contentType ?? "").toLowerCase() !== item.contentType) {
    throw new AppError("upload_incomplete", "The stored file does not match the declared size and type.");
  }
  const updated = await markFileUploaded({ id, ownerId, size: stored.size, checksum: stored.checksum });
  if (updated) return updated;
  // Another request moved the row first; answer with what it stored.
  const current = await requireOwnedItem(id, ownerId);
  if (current.status === "uploaded") return current;
  throw new AppError("conflict", `This upload is ${current.status}.`);
}

/** Cancels a pending upload: the row becomes aborted and any object already written is removed. */
export async function cancelUpload(id: string, ownerId: string): Promise<void> {
  const item = await requireOwnedItem(id, ownerId);
  if (item.status === "aborted") return;
  if (item.status !== "pending") throw new AppError("conflict", `This upload is ${item.status}; delete the file instead.`);
  const aborted = await markFileAborted({ id, ownerId });
  if (!aborted) {
    const current = await requireOwnedItem(id, ownerId);
    if (current.status !== "aborted") throw new AppError("conflict", `This upload is ${current.status}.`);
  }
  await deleteObject(item.key);
}
