/**
 * What a real-media folder holds (write-media.ts draws it; the bench's B2/B5 corpus and the
 * real-media E2E use it): a folder a person would have, planned from a seed so every run on every
 * machine gets the same folder. Pure.
 */
import { seededRandom } from "../seeded-random";

export type PhotoSpec = {
  name: string;
  type: "image/jpeg" | "image/png";
  /** The stored pixels; an EXIF quarter turn (6, 8) shows them turned. */
  width: number;
  height: number;
  /** convertToBlob's quality for a JPEG (0-1); unused for a PNG. */
  quality: number;
  /** Per-channel noise over the drawing (0-255): what makes a JPEG the size of a photo, not of a flat picture. */
  noise: number;
  /** EXIF Orientation written into a JPEG, 1 for none. */
  orientation: number;
  seed: number;
};

export type VideoSpec = { name: string; width: number; height: number; seconds: number; seed: number };

export type MediaPlan = { photos: PhotoSpec[]; videos: VideoSpec[] };

/** The corpus's seed: change it and every photo changes. */
export const MEDIA_SEED = 20_261_206;
/** Pixels from which a photo counts as large (a phone's 12-megapixel camera). */
export const LARGE_PHOTO_PIXELS = 12_000_000;

/** Picture sizes a plan draws from, landscape (some photos are stored portrait). */
export type MediaSizes = {
  /** Camera photos; the small ones listed more often. */
  camera: Array<[number, number]>;
  /** Photos of 12+ megapixels, one in fifty; none if empty. */
  large: Array<[number, number]>;
  /** PNG screenshots, as the screen was (some portrait). */
  screen: Array<[number, number]>;
  /** Videos take these sizes and lengths in turn. */
  videos: Array<[number, number]>;
  videoSeconds: number[];
};

/** The bench's folder: a phone's camera roll, up to 12+ megapixels, 720p videos of 3-5 s. */
export const BENCH_SIZES: MediaSizes = {
  camera: [
    [1024, 768],
    [1024, 768],
    [1024, 768],
    [1280, 960],
    [1280, 960],
    [1600, 1200],
    [1600, 1200],
    [2048, 1536],
    [2592, 1944],
    [3264, 2448],
  ],
  large: [
    [4032, 3024],
    [4000, 3000],
    [4624, 3468],
  ],
  screen: [
    [1280, 800],
    [1920, 1080],
    [1170, 2532],
    [2560, 1440],
  ],
  videos: [[1280, 720]],
  videoSeconds: [3, 4, 5],
};

/** A folder quick to make and upload in a test: photos of 0.3-2 megapixels, small 2-3 s videos, one of them portrait. */
export const QUICK_SIZES: MediaSizes = {
  camera: [
    [640, 480],
    [800, 600],
    [1024, 768],
    [1280, 960],
    [1600, 1200],
  ],
  large: [],
  screen: [
    [1280, 800],
    [750, 1334],
    [1366, 768],
  ],
  videos: [
    [640, 360],
    [360, 640],
  ],
  videoSeconds: [2, 3],
};

/** The turns a phone writes: upside down, a quarter clockwise, a quarter anticlockwise. */
const TURNED = [6, 8, 3];

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const number = (i: number) => String(i + 1).padStart(4, "0");

/**
 * `photoCount` photos: one in ten a PNG screenshot, one in fifty a 12+ megapixel JPEG (when
 * `sizes` has any), the rest camera JPEGs (a fifth stored portrait); one JPEG in seven carries an
 * EXIF turn. `videoCount` short videos of a few seconds.
 */
export function planMedia(photoCount: number, videoCount: number, { seed = MEDIA_SEED, sizes = BENCH_SIZES }: { seed?: number; sizes?: MediaSizes } = {}): MediaPlan {
  const random = seededRandom(seed);
  const photos = Array.from({ length: photoCount }, (_, i): PhotoSpec => {
    const photoSeed = Math.floor(random() * 2 ** 32);
    if (i % 10 === 9) {
      const [width, height] = pick(random, sizes.screen);
      return { name: `screenshot-${number(i)}.png`, type: "image/png", width, height, quality: 1, noise: pick(random, [0, 0, 3]), orientation: 1, seed: photoSeed };
    }
    const [long, short] = i % 50 === 7 && sizes.large.length > 0 ? pick(random, sizes.large) : pick(random, sizes.camera);
    const portrait = random() < 0.2;
    return {
      name: `img-${number(i)}.jpg`,
      type: "image/jpeg",
      width: portrait ? short : long,
      height: portrait ? long : short,
      quality: 0.8 + Math.round(random() * 12) / 100,
      noise: 10 + Math.floor(random() * 14),
      orientation: i % 7 === 3 ? TURNED[Math.floor(i / 7) % TURNED.length]! : 1,
      seed: photoSeed,
    };
  });
  const videos = Array.from({ length: videoCount }, (_, i): VideoSpec => ({
    name: `vid-${number(i)}.mp4`,
    width: sizes.videos[i % sizes.videos.length]![0],
    height: sizes.videos[i % sizes.videos.length]![1],
    seconds: sizes.videoSeconds[i % sizes.videoSeconds.length]!,
    seed: Math.floor(random() * 2 ** 32),
  }));
  return { photos, videos };
}

/** Width over height as a viewer shows the picture: EXIF orientations 5-8 are quarter turns, which swap them. */
export function shownAspect(media: { width: number; height: number; orientation?: number }): number {
  const turned = (media.orientation ?? 1) >= 5;
  return turned ? media.height / media.width : media.width / media.height;
}
