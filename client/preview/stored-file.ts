/**
 * A stored image fetched back for its preview (the grid makes the previews a closed tab or the CLI
 * left missing): from its view URL, which redirects to a short-lived storage GET that the bucket's
 * CORS lets this origin read. Bounded in size: past STORED_IMAGE_MAX_BYTES it is not fetched.
 */
import { MIB } from "@/lib/units";

/** A 50-megapixel JPEG is ~20 MiB; past this no photo is worth downloading again for a 320 px picture. */
export const STORED_IMAGE_MAX_BYTES = 64 * MIB;

/** The stored file's bytes, or null (too big, gone, refused, unreachable). */
export async function fetchStoredImage(url: string, size: number, signal: AbortSignal): Promise<Blob | null> {
  if (size > STORED_IMAGE_MAX_BYTES) return null;
  const res = await fetch(url, { signal, credentials: "same-origin" });
  const length = Number(res.headers.get("content-length") ?? 0);
  if (!res.ok || length > STORED_IMAGE_MAX_BYTES) {
    await res.body?.cancel();
    return null;
  }
  return res.blob();
}

/**
 * Whether the stored file's URL answers with its bytes now (only the answer's head is read): a
 * <video> that could not load a stored file says so as it would of bytes it cannot play.
 */
export async function isStoredFileReachable(url: string, signal: AbortSignal): Promise<boolean> {
  try {
    const res = await fetch(url, { signal, credentials: "same-origin" });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}
