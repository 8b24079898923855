import "server-only";
import { createShareLinkRow, listShareLinksOfFile, revokeShareLink as revokeShareLinkRow } from "@/db/queries/share-links";
import { getFileItemById } from "@/db/queries/file-items";
import type { ShareLink } from "@/db/schema";
import { AppError } from "@/server/http/app-error";
import {
  MAX_LIVE_LINKS_PER_FILE,
  type CreateShareLinkBody,
  type CreateShareLinkResponse,
  type ListShareLinksResponse,
  type ShareLinkDto,
  type ShareLinkState,
} from "@/lib/contracts/share-link-schemas";
import { hashShareToken, newShareToken, shareUrl } from "./share-tokens";

const HOUR_MS = 3_600_000;
const noSuchFile = () => new AppError("not_found", "No such file.");

function stateOf(link: ShareLink, now: Date): ShareLinkState {
  if (link.expiresAt <= now) return "expired";
  if (link.maxDownloads !== null && link.downloads >= link.maxDownloads) return "used_up";
  return "active";
}

/** What the API shows of a link: never the token or its hash. */
export function toShareLinkDto(link: ShareLink, now = new Date()): ShareLinkDto {
  return {
    id: link.id,
    fileId: link.fileId,
    expiresAt: link.expiresAt.toISOString(),
    maxDownloads: link.maxDownloads,
    downloads: link.downloads,
    lastUsedAt: link.lastUsedAt?.toISOString() ?? null,
    createdAt: link.createdAt.toISOString(),
    state: stateOf(link, now),
  };
}

/**
 * Makes a link for the owner's uploaded file; the token is in this answer only, the database keeps
 * its hash. `apiTokenId`: the API token the request came with, which the link then never outlives.
 */
export async function createShareLink(fileId: string, caller: { id: string; apiTokenId?: string }, body: CreateShareLinkBody): Promise<CreateShareLinkResponse> {
  const token = newShareToken();
  const created = await createShareLinkRow({
    fileId,
    userId: caller.id,
    createdByTokenId: caller.apiTokenId ?? null,
    tokenHash: hashShareToken(token),
    expiresAt: new Date(Date.now() + body.expiresInHours * HOUR_MS),
    maxDownloads: body.maxDownloads,
    maxLive: MAX_LIVE_LINKS_PER_FILE,
  });
  if (created === "no_file") throw noSuchFile();
  if (created === "full") throw new AppError("conflict", `This file already has ${MAX_LIVE_LINKS_PER_FILE} live links; revoke one first.`);
  return { link: { ...toShareLinkDto(created), url: shareUrl(token) } };
}

/** The unrevoked links of the owner's uploaded file; anything else (another owner's, deleted) is a 404. */
export async function listShareLinks(fileId: string, userId: string): Promise<ListShareLinksResponse> {
  const file = await getFileItemById({ id: fileId, ownerId: userId });
  if (!file || file.status !== "uploaded") throw noSuchFile();
  const now = new Date();
  return { links: (await listShareLinksOfFile({ fileId, userId })).map((link) => toShareLinkDto(link, now)) };
}

/** Revoked from the next request on; a repeat is fine, another owner's link is a 404. */
export async function revokeShareLink(id: string, userId: string): Promise<void> {
  if (!(await revokeShareLinkRow({ id, userId }))) throw new AppError("not_found", "No such link.");
}
