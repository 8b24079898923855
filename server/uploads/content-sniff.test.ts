import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { contentMismatch } from "./content-sniff";
import { DEFAULT_ALLOWED_TYPES } from "@/lib/upload-rules";
import { hasSignatureOf } from "./signatures";

const bytes = (...parts: Array<string | number[] | Uint8Array>) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));
/** `magic` then `fill` up to the 4,100 bytes the check reads, as the e2e specs build their files. */
const padded = (magic: Buffer, fill = 0x2a) => {
  const out = Buffer.alloc(4100, fill);
  magic.copy(out);
  return out;
};
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], "IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
const PNG_MAGIC = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const GIF = bytes("GIF89a", [1, 0, 1, 0, 0, 0, 0]);
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], "JFIF", [0]);
const MP4 = bytes([0, 0, 0, 0x18], "ftypmp42", [0, 0, 0, 0], "mp42isom", [0, 0, 0, 8], "free");
const MOV = bytes([0, 0, 0, 0x14], "ftypqt  ", [0, 0, 0, 0], "qt  ", [0, 0, 0, 8], "free");
const OLD_MOV = bytes([0, 0, 0, 8], "wide", [0, 0, 0, 8], "mdat");
const AVI = bytes("RIFF", [0x24, 0, 0, 0], "AVI LIST", [0, 0, 0, 0], "hdrlavih");
const MPEG_PS = bytes([0, 0, 1, 0xba, 0x44, 0, 4, 0, 4, 1, 1, 0x89, 0xc3, 0xf8]);
const MPEG_SEQUENCE = bytes([0, 0, 1, 0xb3, 0x16, 0x00, 0xf0, 0x15, 0xff, 0xff, 0xe0, 0x18]);
/** An ID3v2.4 tag of 1 MiB (cover art), far longer than the bytes read. */
const ID3_BIG_TAG = bytes("ID3", [4, 0, 0, 0x00, 0x40, 0x00, 0x00], randomBytes(600));
/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no ID3 tag. */
const MP3_FRAME = bytes([0xff, 0xfb, 0x90, 0x64], new Uint8Array(413));

describe("contentMismatch", () => {
  it.each([
    ["a PNG declared as PNG", PNG, "image/png"],
    ["the PNG signature before a damaged chunk (e2e files)", padded(PNG_MAGIC), "image/png"],
    ["the PNG signature before random bytes (CLI e2e)", bytes(PNG_MAGIC, randomBytes(2000)), "image/png"],
    ["a GIF declared as GIF", GIF, "image/gif"],
    ["a GIF signature then filler (e2e)", padded(Buffer.from("GIF89a")), "image/gif"],
    ["a JPEG declared as JPEG", JPEG, "image/jpeg"],
    ["a JPEG start then random bytes (bench)", bytes([0xff, 0xd8, 0xff, 0xe0], randomBytes(4000)), "image/jpeg"],
    ["an MP4 declared as MP4", MP4, "video/mp4"],
    ["the e2e MP4 header then filler", padded(bytes([0, 0, 0, 0x18], "ftypmp42")), "video/mp4"],
    ["a QuickTime movie declared as MP4 (same container)", MOV, "video/mp4"],
    ["a QuickTime movie declared as QuickTime", MOV, "video/quicktime"],
    ["an old QuickTime movie without ftyp", OLD_MOV, "video/quicktime"],
    ["an AVI declared as video/x-msvideo", AVI, "video/x-msvideo"],
    ["an MPEG program stream declared as video/mpeg", MPEG_PS, "video/mpeg"],
    ["an MPEG video sequence declared as video/mpeg", MPEG_SEQUENCE, "video/mpeg"],
    ["an MP3 with a 1 MiB ID3 tag", ID3_BIG_TAG, "audio/mpeg"],
    ["an ID3 start then filler (e2e)", padded(Buffer.from("ID3")), "audio/mpeg"],
    ["an MP3 starting with a raw frame", MP3_FRAME, "audio/mpeg"],
    ["anything declared as octet-stream", bytes("<!-- x -->"), "application/octet-stream"],
    ["text declared as text/plain (a type without a signature)", bytes("just words"), "text/plain"],
    ["zeros declared as text/plain", Buffer.alloc(64), "text/plain"],
    ["HTML declared as text/html", bytes("<!doctype html><p>hi"), "text/html"],
  ])("accepts %s", async (_label, data, type) => {
    expect(await contentMismatch(data, type)).toBeNull();
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

  describe("regression: bytes file-type does not recognise passed under any declared type", () => {
    it.each([
      ["an HTML comment declared as PNG", bytes("<!-- x --><p>hi</p><script>steal()</script>"), "image/png"],
      ["a paragraph declared as PNG", bytes("<p>hello</p>"), "image/png"],
      ["a paragraph declared as JPEG", bytes("<p><img src=x onerror=steal()>"), "image/jpeg"],
      ["a comment declared as GIF", bytes("<!-- gif -->"), "image/gif"],
      ["text declared as MP3", bytes("no frame sync here"), "audio/mpeg"],
      ["a 0xFF byte then text declared as MP3", bytes([0xff], "abc"), "audio/mpeg"],
      ["zeros declared as MP4", Buffer.alloc(64), "video/mp4"],
      ["zeros declared as QuickTime", Buffer.alloc(64), "video/quicktime"],
      ["text declared as MPEG video", bytes("<p>mpeg</p>"), "video/mpeg"],
      ["RIFF without AVI declared as AVI", bytes("RIFF", [0, 0, 0, 0], "XXXX"), "video/x-msvideo"],
      ["a PNG signature one byte short", bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a]), "image/png"],
      ["an empty start declared as JPEG", new Uint8Array(0), "image/jpeg"],
    ])("rejects %s", async (_label, data, type) => {
      expect(await contentMismatch(data, type)).toMatch(/do not start like/);
    });
  });
});

describe("hasSignatureOf", () => {
  it.each(DEFAULT_ALLOWED_TYPES.split(","))("knows a signature for %s, of the default allowlist", (type) => {
    expect(hasSignatureOf(type, new Uint8Array(16))).not.toBeNull();
  });

  it.each(["text/plain", "application/json", "text/csv"])("has none for %s, so its bytes are not held to one", (type) => {
    expect(hasSignatureOf(type, new Uint8Array(16))).toBeNull();
  });
});
