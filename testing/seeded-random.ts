/**
 * mulberry32: a small, well-mixed 32-bit PRNG, seedable so a run is repeatable, and the same
 * numbers in Node and in the page: the real-media page gets this very source
 * (real-media/media-drawing.ts), so it must use nothing from outside and name no function inside.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
