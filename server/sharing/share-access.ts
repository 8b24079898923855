import "server-only";
import { claimShareLinkDownload, getSharedFileByHash } from "@/db/queries/share-links";
import { AppError } from "@/server/http/app-error";
import { getEnv } from "@/server/env";
import { UNKNOWN_ADDRESS } from "@/server/auth/client-address";
import { requestAddress } from "@/server/auth/auth-limits";
import { consumeRateLimit } from "@/server/ops/rate-limit";
import { previewUrlOf } from "@/server/library/file-urls";
import { presignDownloadUrl } from "@/server/storage/objects";
import { hashShareToken } from "./share-tokens";

/** The presigned GET a share download redirects to: long enough to start, too short to pass on. */
export const SHARE_DOWNLOAD_URL_TTL_SECONDS = 60;
/** How many addresses' budget the shared one holds when clients can't be told apart (no trusted proxy). */
export const SHARED_ADDRESS_FACTOR = 10;
/** One answer for every link that does not work (unknown, expired, revoked, used up, file deleted). */
export const LINK_GONE_MESSAGE = "This link does not exist or no longer works.";

/** Bucket of the per-address share budget; the family `share-address:` is cleared together. */
export const shareBucket = (address: string) => `share-address:${address}`;

/** What the share page shows; `previewUrl` is the file's checked preview (inline, short-lived), or null. */
export type SharedFileView = { name: string; size: number; type: string; previewUrl: string | null };

/**
 * Spends one of the address's share requests for this minute (page views and downloads alike),
 * or throws 429 `rate_limited` with `Retry-After`. Without a trusted proxy every client shares one
 * budget of SHARED_ADDRESS_FACTOR × the per-address limit.
 */
export async function enforceShareRateLimit(headers: Headers): Promise<void> {
  const address = requestAddress(headers);
  const perAddress = getEnv().RATE_LIMIT_SHARE_REQUESTS_PER_MINUTE;
  const limit = address === UNKNOWN_ADDRESS ? perAddress * SHARED_ADDRESS_FACTOR : perAddress;
  const result = await consumeRateLimit({ bucket: shareBucket(address), limit });
  if (result.allowed) return;
  throw new AppError("rate_limited", `Too many requests for shared files; try again in ${result.retryAfterSeconds} s.`, {
    headers: { "Retry-After": String(result.retryAfterSeconds) },
  });
}

/**
 * What the share page shows, or null for any link that does not work. Every token, well-formed
 * or not, costs the same hash and the same indexed lookup, so the answer's timing tells nothing.
 */
export async function viewSharedFile(token: string): Promise<SharedFileView | null> {
  const file = await getSharedFileByHash({ tokenHash: hashShareToken(token) });
  return file && { name: file.name, size: file.size, type: file.contentType, previewUrl: await previewUrlOf(file) };
}

/**
 * Counts one download (one guarded UPDATE) and answers a presigned GET made now, as an attachment
 * with the stored type; 404 with LINK_GONE_MESSAGE for any link that does not work.
 */
export async function claimSharedDownload(token: string): Promise<string> {
  const file = await claimShareLinkDownload({ tokenHash: hashShareToken(token) });
  if (!file) throw new AppError("not_found", LINK_GONE_MESSAGE);
  return presignDownloadUrl({ key: file.key, fileName: file.name, contentType: file.contentType, expiresInSeconds: SHARE_DOWNLOAD_URL_TTL_SECONDS });
}
