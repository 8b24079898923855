import { describe, expect, it } from "vitest";
import { previewBytesProblem } from "./preview-bytes";

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => Buffer.from(p as string)));
const WEBP = bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 ", [0x18, 0, 0, 0], new Array(40).fill(0x11));
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], "JFIF", [0], new Array(40).fill(0x22));
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], "IHDR", new Array(17).fill(0));

describe("previewBytesProblem", () => {
  it.each([
    ["a WebP as image/webp", WEBP, "image/webp"],
    ["a JPEG as image/jpeg", JPEG, "image/jpeg"],
  ])("passes %s", async (_label, data, type) => {
    expect(await previewBytesProblem(data, type)).toBeNull();
  });

  it.each([
    ["HTML as image/webp", bytes("<!DOCTYPE html><script>alert(1)</script>"), "image/webp"],
    ["an HTML comment as image/jpeg", bytes("<!-- x --><p>hi</p>"), "image/jpeg"],
    ["a JPEG as image/webp", JPEG, "image/webp"],
    ["a WebP as image/jpeg", WEBP, "image/jpeg"],
    ["a PNG as image/webp", PNG, "image/webp"],
    ["RIFF without WEBP (an AVI) as image/webp", bytes("RIFF", [0x24, 0, 0, 0], "AVI LIST", new Array(20).fill(0)), "image/webp"],
    ["nothing at all", new Uint8Array(0), "image/webp"],
    ["a WebP under a type previews may not have", WEBP, "image/png"],
  ])("refuses %s", async (_label, data, type) => {
    expect(await previewBytesProblem(data, type)).toEqual(expect.any(String));
  });
});
