/**
 * A poster frame of a video, on the main thread (a <video> element exists only there): a picked
 * file is opened by an object URL, a stored one by its view URL with CORS (crossOrigin
 * "anonymous", so the frame may be read back), in a detached, muted element that loads only
 * metadata, seeks to about a second in and draws that one frame at most PREVIEW_MAX_SIDE_PX. The
 * browser reads the video by ranges, so a 4 GiB video costs no more than a short one, and a
 * stored one is never downloaded whole. A video the element cannot decode, or without a picture,
 * is UNDECODABLE (made-preview.ts); a time-out, an abort or a way to the file that failed is no
 * preview this time. Browser-only; no React.
 */
import { PREVIEW_MAX_BYTES } from "@/lib/contracts/preview-schemas";
import { encodePreview } from "./encode-preview";
import { UNDECODABLE, type MadePreview } from "./made-preview";
import { fitWithin } from "./preview-size";
import { isStoredFileReachable } from "./stored-file";

/** Past this the video is given up on (a codec that never answers, a huge moov atom at the end). */
export const VIDEO_PREVIEW_TIMEOUT_MS = 5_000;
/** A stored video's metadata and frame come over the network by ranges: more time. */
export const STORED_VIDEO_PREVIEW_TIMEOUT_MS = 15_000;
/** The frame taken: a second in skips most fade-ins and black first frames; short clips take their middle. */
const POSTER_AT_SECONDS = 1;
/** MediaError's codes for bytes the element cannot play (HTML's media elements): the others are an abort or the network. */
const MEDIA_ERR_DECODE = 3;
const MEDIA_ERR_SRC_NOT_SUPPORTED = 4;

/**
 * What the element's error says of the video: a decode failure is the bytes; "not supported" is
 * the bytes too for a picked file, but for a stored one also a fetch that failed (signed out, the
 * network), so there the URL is tried once more to tell them apart. Exported for its tests: the
 * element that gives the error exists only in a browser.
 */
export async function failureOf(error: MediaError | null, storedUrl: string | null, signal: AbortSignal): Promise<MadePreview> {
  if (signal.aborted || !error) return null;
  if (error.code === MEDIA_ERR_DECODE) return UNDECODABLE;
  if (error.code !== MEDIA_ERR_SRC_NOT_SUPPORTED) return null;
  return storedUrl === null || (await isStoredFileReachable(storedUrl, signal)) ? UNDECODABLE : null;
}

function once(video: HTMLVideoElement, event: "loadedmetadata" | "seeked", signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: unknown) => {
      video.removeEventListener(event, ok);
      video.removeEventListener("error", failed);
      signal.removeEventListener("abort", aborted);
      if (err) reject(err);
      else resolve();
    };
    const ok = () => done();
    const failed = () => done(new Error(`The video could not be decoded (${video.error?.code ?? "?"}).`));
    const aborted = () => done(signal.reason ?? new Error("aborted"));
    video.addEventListener(event, ok, { once: true });
    video.addEventListener("error", failed, { once: true });
    signal.addEventListener("abort", aborted, { once: true });
    if (signal.aborted) aborted();
  });
}

/**
 * `source`: a picked file, or the URL of a stored one (same origin, redirected to storage that
 * answers CORS); `type`: its MIME type (video/…), which makes the preview a JPEG (encode-preview.ts).
 */
export async function makeVideoPreview(source: Blob | string, type: string, signal: AbortSignal): Promise<MadePreview> {
  const stored = typeof source === "string";
  const timeout = AbortSignal.timeout(stored ? STORED_VIDEO_PREVIEW_TIMEOUT_MS : VIDEO_PREVIEW_TIMEOUT_MS);
  const stop = AbortSignal.any([signal, timeout]);
  const video = document.createElement("video");
  const url = stored ? source : URL.createObjectURL(source);
  try {
    // Before src: without CORS the frame would taint the canvas and could not be encoded.
    if (stored) video.crossOrigin = "anonymous";
    video.muted = true;
    video.playsInline = true;
    video.preload = "metadata";
    video.src = url;
    await once(video, "loadedmetadata", stop);
    const { videoWidth, videoHeight, duration } = video;
    // Sound only: no browser will draw a picture of it.
    if (!videoWidth || !videoHeight) return UNDECODABLE;
    video.currentTime = Number.isFinite(duration) && duration > 0 ? Math.min(POSTER_AT_SECONDS, duration / 2) : 0;
    await once(video, "seeked", stop);
    const { width, height } = fitWithin({ width: videoWidth, height: videoHeight });
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext("2d");
    if (!context) return null;
    // Over white: a frame with alpha (HEVC with alpha plays in Safari) would turn black as a JPEG.
    context.fillStyle = "#fff";
    context.fillRect(0, 0, width, height);
    context.drawImage(video, 0, 0, width, height);
    return stop.aborted ? null : await encodePreview(canvas, type, PREVIEW_MAX_BYTES);
  } catch {
    // The element's error, not a time-out: it is read before the finally below resets it.
    return await failureOf(video.error, stored ? source : null, signal);
  } finally {
    // Drop the decoder and the blob's reference now, not when the element is collected.
    video.removeAttribute("src");
    video.load();
    if (!stored) URL.revokeObjectURL(url);
  }
}
