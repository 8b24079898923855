/**
 * A poster frame of a video, on the main thread (a <video> element exists only there): a picked
 * file is opened by an object URL, a stored one by its view URL with CORS (crossOrigin
 * "anonymous", so the frame may be read back), in a detached, muted element that loads only
 * metadata, seeks to about a second in and draws that one frame at most PREVIEW_MAX_SIDE_PX. The
 * browser reads the video by ranges, so a 4 GiB video costs no more than a short one, and a
 * stored one is never downloaded whole. Browser-only; no React.
 */
import { PREVIEW_MAX_BYTES } from "@/lib/contracts/preview-schemas";
import { encodePreview } from "./encode-preview";
import { fitWithin } from "./preview-size";

/** Past this the video is given up on (a codec that never answers, a huge moov atom at the end). */
export const VIDEO_PREVIEW_TIMEOUT_MS = 5_000;
/** A stored video's metadata and frame come over the network by ranges: more time. */
export const STORED_VIDEO_PREVIEW_TIMEOUT_MS = 15_000;
/** The frame taken: a second in skips most fade-ins and black first frames; short clips take their middle. */
const POSTER_AT_SECONDS = 1;

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

/** `source`: a picked file, or the URL of a stored one (same origin, redirected to storage that answers CORS). */
export async function makeVideoPreview(source: Blob | string, signal: AbortSignal): Promise<Blob | null> {
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
    if (!videoWidth || !videoHeight) return null; // audio only
    video.currentTime = Number.isFinite(duration) && duration > 0 ? Math.min(POSTER_AT_SECONDS, duration / 2) : 0;
    await once(video, "seeked", stop);
    const { width, height } = fitWithin({ width: videoWidth, height: videoHeight });
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext("2d");
    if (!context) return null;
    context.drawImage(video, 0, 0, width, height);
    return stop.aborted ? null : await encodePreview(canvas, PREVIEW_MAX_BYTES);
  } catch {
    return null;
  } finally {
    // Drop the decoder and the blob's reference now, not when the element is collected.
    video.removeAttribute("src");
    video.load();
    if (!stored) URL.revokeObjectURL(url);
  }
}
