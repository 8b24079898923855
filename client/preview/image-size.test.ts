import { describe, expect, it } from "vitest";
import { app0, blob, exif, gif, jpeg, png, segment, sof, u32 } from "@/testing/image-headers";
import { exifTurnsQuarter, readImageSize } from "./image-size";

describe("readImageSize", () => {
  it.each([
    ["a PNG", png(1200, 800), "image/png", { width: 1200, height: 800 }],
    ["a GIF89a", gif(300, 200), "image/gif", { width: 300, height: 200 }],
    ["a GIF87a", gif(65535, 1, "87a"), "image/gif", { width: 65535, height: 1 }],
    ["a baseline JPEG after JFIF", jpeg(app0, segment(0xdb, new Array(65).fill(1)), sof(0xc0, 8660, 5774)), "image/jpeg", { width: 8660, height: 5774 }],
    ["a progressive JPEG", jpeg(sof(0xc2, 4000, 3000)), "image/jpeg", { width: 4000, height: 3000 }],
    ["a JPEG with fill bytes and a DHT (C4) before its frame", jpeg([0xff, 0xff], segment(0xc4, [0, 1, 2]), sof(0xc1, 640, 480)), "image/jpeg", { width: 640, height: 480 }],
    ["a JPEG turned a quarter by EXIF (6)", jpeg(exif(6), sof(0xc0, 600, 400)), "image/jpeg", { width: 400, height: 600 }],
    ["a JPEG turned by little-endian EXIF (8)", jpeg(exif(8, "II"), sof(0xc0, 600, 400)), "image/jpeg", { width: 400, height: 600 }],
    ["a JPEG upside down (3): same size", jpeg(exif(3), sof(0xc0, 600, 400)), "image/jpeg", { width: 600, height: 400 }],
  ])("reads %s", async (_, file, type, size) => {
    expect(await readImageSize(file, type)).toEqual(size);
  });

  it.each([
    ["PNG bytes under another image type", png(10, 10), "image/jpeg"],
    ["a PNG without its IHDR", blob([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], u32(13), [0x49, 0x44, 0x41, 0x54], u32(10), u32(10)), "image/png"],
    ["a PNG of width 0", png(0, 10), "image/png"],
    ["a truncated PNG", blob([0x89, 0x50, 0x4e, 0x47]), "image/png"],
    ["a GIF with a wrong version", gif(10, 10, "90a"), "image/gif"],
    ["a JPEG header then random bytes", blob([0xff, 0xd8, 0xff, 0xe0, 0, 16], Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)), "image/jpeg"],
    ["a JPEG whose scan starts before any frame header", jpeg(app0), "image/jpeg"],
    ["an empty file", blob([]), "image/png"],
    ["a type that is not an image", png(10, 10), "video/mp4"],
  ])("answers null for %s", async (_, file, type) => {
    expect(await readImageSize(file, type)).toBeNull();
  });
});

describe("exifTurnsQuarter", () => {
  it.each([
    [1, false],
    [4, false],
    [5, true],
    [8, true],
  ])("orientation %i turns a quarter: %s", (orientation, turned) => {
    const bytes = new Uint8Array(exif(orientation).slice(4));
    expect(exifTurnsQuarter(new DataView(bytes.buffer))).toBe(turned);
  });

  it("is false for a segment that is not EXIF (XMP in APP1)", () => {
    const bytes = new TextEncoder().encode("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>");
    expect(exifTurnsQuarter(new DataView(bytes.buffer))).toBe(false);
  });
});

describe("Blob reads", () => {
  /** A Blob that counts its slices: each is a read that crosses to the browser process. */
  function counted(inner: Blob) {
    let slices = 0;
    class CountingBlob extends Blob {
      override slice(start?: number, end?: number) {
        slices++;
        return super.slice(start, end);
      }
    }
    return { blob: new CountingBlob([inner]), slices: () => slices };
  }

  it("reads a JPEG's header once however many segments come before its frame header", async () => {
    const comments = Array.from({ length: 20 }, () => segment(0xfe, Array.from({ length: 300 }, () => 0x41)));
    const file = counted(jpeg(app0, exif(6), ...comments, sof(0xc0, 4000, 3000)));
    expect(await readImageSize(file.blob, "image/jpeg")).toEqual({ width: 3000, height: 4000 });
    expect(file.slices()).toBe(1);
  });

  it("reads further only where the frame header is, skipping what lies between", async () => {
    const big = segment(0xfe, Array.from({ length: 65_000 }, () => 0x42));
    const file = counted(jpeg(app0, big, big, sof(0xc2, 640, 480)));
    expect(await readImageSize(file.blob, "image/jpeg")).toEqual({ width: 640, height: 480 });
    // The start, then the chunks where each 65 KB comment ends and the frame header sits, not those in between.
    expect(file.slices()).toBeGreaterThan(1);
    expect(file.slices()).toBeLessThan(6);
  });
});
