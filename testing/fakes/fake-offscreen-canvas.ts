/**
 * OffscreenCanvas in memory, for the preview code (client/preview/) under Node, which has none:
 * each canvas records what was drawn on its 2D context, in order, and every convertToBlob asked of
 * it. A type the fake "browser" cannot encode is answered as PNG, as the spec's fallback does (how
 * encode-preview.ts notices a missing WebP encoder); the blob's size is the test's to choose.
 * Install with vi.stubGlobal("OffscreenCanvas", fake.OffscreenCanvas).
 */
export type Drawn = { op: "fillRect"; fillStyle: string } | { op: "drawImage"; source: unknown };
export type Encode = { canvas: FakeOffscreenCanvas; type: string; quality: number | undefined };

export interface FakeOffscreenCanvas {
  width: number;
  height: number;
  drawn: Drawn[];
}

export function fakeOffscreenCanvas({
  encodes = ["image/webp", "image/jpeg"],
  sizeOf = () => 1_000,
}: {
  /** The types this browser encodes (anything else comes back as PNG). */
  encodes?: string[];
  /** The encoded size, in bytes, of a type at a quality. */
  sizeOf?: (type: string, quality: number | undefined) => number;
} = {}) {
  const made: FakeOffscreenCanvas[] = [];
  const encoded: Encode[] = [];

  class OffscreenCanvas implements FakeOffscreenCanvas {
    drawn: Drawn[] = [];
    constructor(
      public width: number,
      public height: number,
    ) {
      made.push(this);
    }

    getContext(kind: string) {
      if (kind !== "2d") return null;
      const { drawn } = this;
      return {
        fillStyle: "#000" as string,
        imageSmoothingQuality: "low" as string,
        fillRect() {
          drawn.push({ op: "fillRect", fillStyle: this.fillStyle });
        },
        drawImage(source: unknown) {
          drawn.push({ op: "drawImage", source });
        },
      };
    }

    async convertToBlob({ type = "image/png", quality }: { type?: string; quality?: number } = {}): Promise<Blob> {
      encoded.push({ canvas: this, type, quality });
      const answered = encodes.includes(type) ? type : "image/png";
      return new Blob([new Uint8Array(sizeOf(answered, quality))], { type: answered });
    }
  }

  return { OffscreenCanvas, made, encoded };
}
