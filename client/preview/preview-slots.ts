/**
 * How many previews the page makes at once, sized to the machine: image decodes run in Web
 * Workers, one job each, and one core is left for the page and the uploads (on a 2-core laptop
 * a preview must never slow the files down); videos need a <video> element, which exists only on
 * the main thread, so they go one at a time (two on a machine with cores to spare).
 */

/** More decode workers than this only multiplies peak memory; previews are ~10 ms each at this size. */
export const MAX_IMAGE_WORKERS = 4;
/** What `navigator.hardwareConcurrency` is taken to be where a browser does not say. */
const UNKNOWN_CORES = 2;

export type PreviewSlots = { image: number; video: number };

/**
 * Below 4 cores, previews also wait while small files are being sent (preview-queue.ts): a stream of
 * small files keeps every core busy (the page, the browser's network process, and on a laptop the
 * app and store too), so a decode beside it slows the files down; from 4 cores a worker has a core of its own.
 */
export const yieldsToSmallUploads = (cores: number | undefined): boolean => knownCores(cores) < 4;

const knownCores = (cores: number | undefined) => (cores !== undefined && Number.isFinite(cores) && cores >= 1 ? Math.floor(cores) : UNKNOWN_CORES);

/**
 * While no file is being sent, the core left for the uploads is free too: image workers as many as
 * the cores (at most MAX_IMAGE_WORKERS), so the previews that waited for a stream of small files
 * follow it quickly.
 */
export function idlePreviewSlots(cores: number | undefined): PreviewSlots {
  return { ...previewSlots(cores), image: Math.min(MAX_IMAGE_WORKERS, knownCores(cores)) };
}

/** Image workers: the cores less one, at least 1 and at most MAX_IMAGE_WORKERS; video makers: 1, or 2 from 4 cores. */
export function previewSlots(cores: number | undefined): PreviewSlots {
  const known = knownCores(cores);
  return { image: Math.min(MAX_IMAGE_WORKERS, Math.max(1, known - 1)), video: known >= 4 ? 2 : 1 };
}
