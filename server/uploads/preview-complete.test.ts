import { describe, expect, it } from "vitest";
import { previewBytesProblem } from "./preview-complete";
import { fileIdOfStagingKey, keysOf, previewKeyFor, previewStagingKeyFor } from "./object-keys";
import type { FileItem } from "@/db/schema";

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

describe("preview keys", () => {
  const user = "0b7e0c5e-1d2a-4c3b-9a8f-0123456789ab";
  const id = "6f1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
  const row = { userId: user, id, key: `u/${user}/${id}.png`, strategy: "post", previewType: null } as FileItem;

  it("names one staging and one served key per file, whatever the preview's type", () => {
    expect(previewStagingKeyFor(row)).toBe(`staging/${user}/${id}.preview`);
    expect(previewKeyFor(row)).toBe(`u/${user}/${id}.preview`);
    expect(fileIdOfStagingKey(`staging/${user}/${id}.preview`)).toBe(id);
    expect(fileIdOfStagingKey(`staging/${user}/${id}`)).toBe(id);
    expect(fileIdOfStagingKey(`staging/${user}/${id}.preview.webp`)).toBeNull();
  });

  it("keysOf names the preview's keys only for a file item with a preview", () => {
    expect(keysOf(row)).toEqual([row.key, `staging/${user}/${id}`]);
    expect(keysOf({ ...row, previewType: "image/webp", previewSize: 10 })).toEqual([row.key, `staging/${user}/${id}`, `u/${user}/${id}.preview`, `staging/${user}/${id}.preview`]);
    expect(keysOf({ ...row, strategy: "multipart", previewType: "image/jpeg", previewSize: 10 })).toEqual([row.key, `u/${user}/${id}.preview`, `staging/${user}/${id}.preview`]);
  });
});
