import { describe, expect, it } from "vitest";
import { contentMismatch } from "./content-sniff";

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], "IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
const GIF = bytes("GIF89a", [1, 0, 1, 0, 0, 0, 0]);
const MP4 = bytes([0, 0, 0, 0x18], "ftypmp42", [0, 0, 0, 0], "mp42isom", [0, 0, 0, 8], "free");
const MOV = bytes([0, 0, 0, 0x14], "ftypqt  ", [0, 0, 0, 0], "qt  ", [0, 0, 0, 8], "free");

describe("contentMismatch", () => {
  it.each([
    ["a PNG declared as PNG", PNG, "image/png", null],
    ["a GIF declared as GIF", GIF, "image/gif", null],
    ["an MP4 declared as MP4", MP4, "video/mp4", null],
    ["a QuickTime movie declared as MP4 (same container)", MOV, "video/mp4", null],
    ["anything declared as octet-stream", PNG, "application/octet-stream", null],
    ["bytes with no signature", Buffer.alloc(64), "image/png", null],
    ["HTML declared as text/html", bytes("<!doctype html><p>hi"), "text/html", null],
  ])("accepts %s", async (_label, data, type, expected) => {
    expect(await contentMismatch(data, type)).toBe(expected);
  });

  it.each([
    ["a PNG declared as JPEG", PNG, "image/jpeg", /image\/png, not image\/jpeg/],
    ["a GIF declared as MP4", GIF, "video/mp4", /image\/gif/],
    ["HTML declared as PNG", bytes("<!DOCTYPE html><script>alert(1)</script>"), "image/png", /markup/],
    ["HTML after a BOM and spaces, declared as MP3", bytes([0xef, 0xbb, 0xbf], "  \n<html><body>"), "audio/mpeg", /markup/],
    ["SVG declared as GIF", bytes('<svg xmlns="http://www.w3.org/2000/svg" onload="x()">'), "image/gif", /markup/],
  ])("rejects %s", async (_label, data, type, message) => {
    expect(await contentMismatch(data, type)).toMatch(message);
  });
});
