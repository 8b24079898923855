import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MIB } from "@/lib/units";
import { sha256Base64Schema } from "@/lib/contracts/upload-schemas";
import { streamedSha256Base64 } from "./checksum";
import { createSha256Hasher, sha256Base64, WHOLE_READ_MAX_BYTES } from "./sha256-hasher";

const nodeSha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("base64");

/** A Blob whose read waits until the test lets it go (or fails), counting the reads under way. */
class GatedBlob extends Blob {
  static reading = 0;
  static maxReading = 0;
  private open: (() => void) | null = null;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));

  constructor(
    bytes: Uint8Array,
    private readonly failure: Error | null = null,
  ) {
    super([bytes as BlobPart]);
  }

  let() {
    this.open?.();
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    GatedBlob.reading++;
    GatedBlob.maxReading = Math.max(GatedBlob.maxReading, GatedBlob.reading);
    try {
      await this.gate;
      if (this.failure) throw this.failure;
      return await super.arrayBuffer();
    } finally {
      GatedBlob.reading--;
    }
  }
}

describe("sha256Base64", () => {
  it.each([
    ["empty", new Uint8Array(0)],
    ["1 byte", new Uint8Array([0x61])],
    ["1 MiB", new Uint8Array(MIB).map((_, i) => (i * 31) % 251)],
  ])("of %s is node:crypto's SHA-256, in the form the create schema takes", async (_, bytes) => {
    const hash = await sha256Base64(new Blob([bytes as BlobPart]));
    expect(hash).toBe(nodeSha256(bytes));
    expect(sha256Base64Schema.safeParse(hash).success).toBe(true);
  });

  it("streams a file over WHOLE_READ_MAX_BYTES through hash-wasm, to the same SHA-256", async () => {
    const bytes = new Uint8Array(WHOLE_READ_MAX_BYTES + 3).map((_, i) => (i * 7) % 253);
    expect(await sha256Base64(new Blob([bytes as BlobPart]))).toBe(nodeSha256(bytes));
  });

  it("hash-wasm's streamed SHA-256 (the fallback where WebCrypto is missing) agrees with node:crypto", async () => {
    const bytes = new Uint8Array(3 * MIB + 5).map((_, i) => (i * 13) % 241);
    expect(await streamedSha256Base64(new Blob([bytes as BlobPart]))).toBe(nodeSha256(bytes));
    expect(await streamedSha256Base64(new Blob([]))).toBe(nodeSha256(new Uint8Array(0)));
  });
});

describe("createSha256Hasher", () => {
  it("reads at most `concurrency` files at once; a file that cannot be read rejects alone and frees its slot", async () => {
    GatedBlob.maxReading = 0;
    const bytes = (i: number) => new Uint8Array([i, i + 1, i + 2]);
    const blobs = [0, 1, 2, 3, 4].map((i) => new GatedBlob(bytes(i), i === 0 ? new Error("The file could not be read.") : null));
    const hash = createSha256Hasher(2);
    const results = blobs.map((blob) => hash(blob).then((value) => ({ ok: true, value }), (error: Error) => ({ ok: false, value: error.message })));
    const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
    await tick();
    expect(GatedBlob.reading).toBe(2);
    for (const blob of blobs) {
      blob.let();
      await tick();
    }
    expect(await Promise.all(results)).toEqual([
      { ok: false, value: "The file could not be read." },
      ...[1, 2, 3, 4].map((i) => ({ ok: true, value: nodeSha256(bytes(i)) })),
    ]);
    expect(GatedBlob.maxReading).toBe(2);
  });
});
