import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { MEDIA_DRAWING_SCRIPT } from "./media-drawing";
import { seededRandom } from "../seeded-random";

describe("MEDIA_DRAWING_SCRIPT", () => {
  it("runs on its own (nothing of this module's transform leaks in) and draws seededRandom's numbers, as the plan does", () => {
    // What the page has at load that the script touches: only `window`; the drawing APIs are used later.
    const context = vm.createContext({ window: {} });
    vm.runInContext(MEDIA_DRAWING_SCRIPT, context);
    const { rng } = (context.window as { __media: { rng: (seed: number) => () => number } }).__media;
    for (const seed of [0, 42, 20_261_206, 0xffffffff]) {
      const page = rng(seed);
      const node = seededRandom(seed);
      expect(Array.from({ length: 1000 }, () => page())).toEqual(Array.from({ length: 1000 }, () => node()));
    }
  });
});
