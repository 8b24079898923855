/**
 * The real-media corpus for B2 and B5 (issue 21): a folder of decodable photos (JPEG and PNG of
 * mixed sizes, a few of 12+ megapixels, some with an EXIF turn) and a few short MP4 videos that
 * play, planned from a seed and drawn in the bench's own Chromium (testing/real-media/), written
 * to the run's temp folder once; B2 and B5 reuse it. Nothing of it is committed.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser } from "@playwright/test";
import { KIB, MIB } from "../lib/units";
import { LARGE_PHOTO_PIXELS, planMedia } from "../testing/real-media/media-plan";
import { writeMedia } from "../testing/real-media/write-media";
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

const sizeLabel = (bytes: number) => (bytes >= MIB ? `${fmt(bytes / MIB, 1)} MiB` : `${fmt(bytes / KIB, 0)} KiB`);

async function makeRealMedia(browser: Browser, dir: string, photoCount: number): Promise<RealMedia> {
  const started = performance.now();
  await mkdir(dir, { recursive: true });
  const plan = planMedia(photoCount, VIDEO_COUNT);
  const { paths, sizes, videoType } = await writeMedia(browser, dir, plan);
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
  return { paths, photos: plan.photos.length, videos: videoSizes.length, bytes, summary };
}
