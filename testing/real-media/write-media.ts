/**
 * Draws a media plan (media-plan.ts) in Chromium and writes it to a folder: photos drawn on an
 * OffscreenCanvas and encoded by `convertToBlob` (an EXIF turn written into the JPEGs that have
 * one), videos recorded by MediaRecorder (media-drawing.ts). The bench's real-media corpus and the
 * real-media E2E both make their folders with it; nothing of it is committed.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "@playwright/test";
import { KIB } from "../../lib/units";
import { withExifOrientation } from "./exif";
import { MEDIA_DRAWING_SCRIPT } from "./media-drawing";
import type { MediaPlan, PhotoSpec, VideoSpec } from "./media-plan";

export type WrittenMedia = {
  /** Paths of every file written, in the plan's order, the videos spread among the photos as a phone's camera folder has them. */
  paths: string[];
  /** Bytes of each file, by its name in the plan. */
  sizes: Map<string, number>;
  /** The MP4 type the videos were recorded as; null (and no videos) where this Chromium records none it can play. */
  videoType: string | null;
};

/** Photos encoded at once: convertToBlob encodes off the page's main thread, and the machine has 2 cores. */
const PHOTOS_AT_ONCE = 3;

type MediaWindow = {
  __media: { photo: (s: PhotoSpec) => Promise<string>; videoType: () => string | null; video: (s: VideoSpec, t: string) => Promise<string> };
};

async function photoBytes(page: Page, spec: PhotoSpec): Promise<Uint8Array> {
  const encoded = await page.evaluate((s) => (window as unknown as MediaWindow).__media.photo(s), spec);
  const bytes = new Uint8Array(Buffer.from(encoded, "base64"));
  return spec.type === "image/jpeg" && spec.orientation !== 1 ? withExifOrientation(bytes, spec.orientation) : bytes;
}

async function videoBytes(page: Page, spec: VideoSpec, type: string): Promise<Uint8Array> {
  const encoded = await page.evaluate(([s, t]) => (window as unknown as MediaWindow).__media.video(s, t), [spec, type] as const);
  const bytes = new Uint8Array(Buffer.from(encoded, "base64"));
  // MediaRecorder says nothing when its encoder fails; an empty recording would upload as a broken video.
  if (bytes.length < 10 * KIB) throw new Error(`MediaRecorder made ${bytes.length} bytes of ${spec.name} as ${type}`);
  return bytes;
}

/**
 * Every file of `plan` in `dir`, drawn in a context of its own (closed after). `place` gives a
 * file's path below `dir` from its name (default: the name), for a folder with sub-folders.
 */
export async function writeMedia(browser: Browser, dir: string, plan: MediaPlan, place: (name: string) => string = (name) => name): Promise<WrittenMedia> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.evaluate(MEDIA_DRAWING_SCRIPT);
    const videoType = await page.evaluate(() => (window as unknown as MediaWindow).__media.videoType());
    const sizes = new Map<string, number>();
    const write = async (name: string, bytes: Uint8Array) => {
      const file = path.join(dir, place(name));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, bytes);
      sizes.set(name, bytes.length);
    };
    // Videos record in real time, so they run beside the photos rather than after them.
    const videos = videoType ? Promise.all(plan.videos.map(async (spec) => write(spec.name, await videoBytes(page, spec, videoType)))) : Promise.resolve([]);
    // Awaited after the photos; this only keeps a failure meanwhile from counting as unhandled.
    videos.catch(() => undefined);
    const queue = [...plan.photos];
    await Promise.all(
      Array.from({ length: PHOTOS_AT_ONCE }, async () => {
        for (let spec = queue.shift(); spec; spec = queue.shift()) await write(spec.name, await photoBytes(page, spec));
      }),
    );
    await videos;
    const names = plan.photos.map((spec) => spec.name);
    if (videoType) plan.videos.forEach((spec, i) => names.splice(Math.round(((i + 1) * names.length) / (plan.videos.length + 1)), 0, spec.name));
    return { paths: names.map((name) => path.join(dir, place(name))), sizes, videoType };
  } finally {
    await context.close();
  }
}
