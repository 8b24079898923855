/**
 * The real-media corpus for B2 and B5 (issue 21): a folder of decodable photos (JPEG and PNG of
 * mixed sizes, a few of 12+ megapixels, some with an EXIF turn) and a few short MP4 videos that
 * play, planned from a seed (media-plan.ts), drawn and encoded in the bench's own Chromium
 * (media-drawing.ts) and written to the run's temp folder once; B2 and B5 reuse it. Nothing of it
 * is committed.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "@playwright/test";
import { KIB, MIB } from "../lib/units";
import { withExifOrientation } from "./exif";
import { MEDIA_DRAWING_SCRIPT } from "./media-drawing";
import { LARGE_PHOTO_PIXELS, planMedia, type PhotoSpec, type VideoSpec } from "./media-plan";
import { fmt, median } from "./stats";

export type RealMedia = {
  /** In the plan's order, the videos spread among the photos as a phone's camera folder has them. */
  paths: string[];
  photos: number;
  videos: number;
  bytes: number;
  /** One line: what the folder holds and how long it took to make. */
  summary: string;
};

/** Photos encoded at once: convertToBlob encodes off the page's main thread, and the machine has 2 cores. */
const PHOTOS_AT_ONCE = 3;
const VIDEO_COUNT = 3;

const cached = new Map<string, Promise<RealMedia>>();

/** The corpus in `tmp`/real-media, made on first use in this run. */
export function realMedia(browser: Browser, tmp: string, photoCount: number): Promise<RealMedia> {
  const dir = path.join(tmp, "real-media");
  let corpus = cached.get(dir);
  if (!corpus) {
    corpus = makeRealMedia(browser, dir, photoCount);
    cached.set(dir, corpus);
  }
  return corpus;
}

async function photoBytes(page: Page, spec: PhotoSpec): Promise<Uint8Array> {
  const encoded = await page.evaluate((s) => (window as unknown as { __media: { photo: (s: PhotoSpec) => Promise<string> } }).__media.photo(s), spec);
  const bytes = new Uint8Array(Buffer.from(encoded, "base64"));
  return spec.type === "image/jpeg" && spec.orientation !== 1 ? withExifOrientation(bytes, spec.orientation) : bytes;
}

async function videoBytes(page: Page, spec: VideoSpec, type: string): Promise<Uint8Array> {
  const encoded = await page.evaluate(
    ([s, t]) => (window as unknown as { __media: { video: (s: VideoSpec, t: string) => Promise<string> } }).__media.video(s, t),
    [spec, type] as const,
  );
  const bytes = new Uint8Array(Buffer.from(encoded, "base64"));
  // MediaRecorder says nothing when its encoder fails; an empty recording would upload as a broken video.
  if (bytes.length < 10 * KIB) throw new Error(`MediaRecorder made ${bytes.length} bytes of ${spec.name} as ${type}`);
  return bytes;
}

const sizeLabel = (bytes: number) => (bytes >= MIB ? `${fmt(bytes / MIB, 1)} MiB` : `${fmt(bytes / KIB, 0)} KiB`);

async function makeRealMedia(browser: Browser, dir: string, photoCount: number): Promise<RealMedia> {
  const started = performance.now();
  await mkdir(dir, { recursive: true });
  const plan = planMedia(photoCount, VIDEO_COUNT);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.evaluate(MEDIA_DRAWING_SCRIPT);
    const videoType = await page.evaluate(() => (window as unknown as { __media: { videoType: () => string | null } }).__media.videoType());
    const sizes = new Map<string, number>();
    const write = async (name: string, bytes: Uint8Array) => {
      await writeFile(path.join(dir, name), bytes);
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
    const photoSizes = plan.photos.map((spec) => sizes.get(spec.name)!);
    const videoSizes = videoType ? plan.videos.map((spec) => sizes.get(spec.name)!) : [];
    const bytes = [...sizes.values()].reduce((sum, size) => sum + size, 0);
    const pngs = plan.photos.filter((spec) => spec.type === "image/png").length;
    const large = plan.photos.filter((spec) => spec.width * spec.height >= LARGE_PHOTO_PIXELS).length;
    const turned = plan.photos.filter((spec) => spec.orientation !== 1).length;
    const videoPart = videoType
      ? `${plan.videos.length} videos (${videoType}, ${plan.videos.map((spec) => `${spec.seconds} s`).join(" / ")}, ${videoSizes.map(sizeLabel).join(" / ")})`
      : "no videos (this Chromium records no MP4 it can play; WebM is not among the shipped allowed types)";
    const summary =
      `${plan.photos.length} photos (${plan.photos.length - pngs} JPEG, ${pngs} PNG; ${large} of 12+ megapixels; ${turned} JPEGs with EXIF orientation 3/6/8; ` +
      `${sizeLabel(Math.min(...photoSizes))} / median ${sizeLabel(median(photoSizes))} / max ${sizeLabel(Math.max(...photoSizes))}) and ${videoPart}; ` +
      `${fmt(bytes / 1e6)} MB in all, made in ${fmt((performance.now() - started) / 1000)} s`;
    console.log(`[bench] real media: ${summary}`);
    return { paths: names.map((name) => path.join(dir, name)), photos: plan.photos.length, videos: videoSizes.length, bytes, summary };
  } finally {
    await context.close();
  }
}
