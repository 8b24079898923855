import { describe, expect, it } from "vitest";
import { readImageSize } from "../../client/preview/image-size";
import { exifOrientationSegment, withExifOrientation } from "./exif";

const u16 = (n: number) => [n >> 8, n & 0xff];
/** A segment: marker, then a length that counts itself. */
const segment = (marker: number, body: number[]) => [0xff, marker, ...u16(body.length + 2), ...body];
const app0 = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
const sof0 = (width: number, height: number) => segment(0xc0, [8, ...u16(height), ...u16(width), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
/** What convertToBlob makes, in outline: SOI, JFIF, a quantisation table, the frame header, a scan. */
const jpeg = (width: number, height: number) =>
  new Uint8Array([0xff, 0xd8, ...app0, ...segment(0xdb, new Array(65).fill(1)), ...sof0(width, height), 0xff, 0xda, 0, 2, 1, 2, 3, 0xff, 0xd9]);
const sizeOf = (bytes: Uint8Array) => readImageSize(new Blob([new Uint8Array(bytes)]), "image/jpeg");

describe("withExifOrientation", () => {
  it.each([
    [1, { width: 4032, height: 3024 }],
    [3, { width: 4032, height: 3024 }],
    [6, { width: 3024, height: 4032 }],
    [8, { width: 3024, height: 4032 }],
  ])("orientation %i reads back through the app's own header reader as %o", async (orientation, shown) => {
    expect(await sizeOf(withExifOrientation(jpeg(4032, 3024), orientation))).toEqual(shown);
  });

  it("puts the segment after the JFIF APP0, which must come first, and keeps every other byte", () => {
    const source = jpeg(640, 480);
    const out = withExifOrientation(source, 6);
    const at = 2 + app0.length;
    expect([...out.subarray(0, at)]).toEqual([...source.subarray(0, at)]);
    expect([...out.subarray(at, at + 4)]).toEqual([0xff, 0xe1, 0, 34]);
    expect([...out.subarray(at + 34 + 2)]).toEqual([...source.subarray(at)]);
  });

  it("puts the segment right after SOI when there is no APP0", async () => {
    const bare = new Uint8Array([0xff, 0xd8, ...sof0(600, 400), 0xff, 0xda, 0, 2, 1]);
    const out = withExifOrientation(bare, 8);
    expect([...out.subarray(2, 4)]).toEqual([0xff, 0xe1]);
    expect(await sizeOf(out)).toEqual({ width: 400, height: 600 });
  });

  it("refuses bytes that are not a JPEG", () => {
    expect(() => withExifOrientation(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), 6)).toThrow(/not a JPEG/);
  });
});

describe("exifOrientationSegment", () => {
  it("is APP1, its length counting itself, then Exif and a big-endian TIFF IFD with the one Orientation SHORT", () => {
    const bytes = [...exifOrientationSegment(6)];
    expect(bytes.slice(0, 4)).toEqual([0xff, 0xe1, 0, bytes.length - 2]);
    expect(bytes.slice(4, 10)).toEqual([0x45, 0x78, 0x69, 0x66, 0, 0]);
    expect(bytes.slice(10, 18)).toEqual([0x4d, 0x4d, 0, 42, 0, 0, 0, 8]);
    expect(bytes.slice(18, 32)).toEqual([0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
  });

  it.each([0, 9, 1.5])("refuses orientation %s (EXIF has 1-8)", (orientation) => {
    expect(() => exifOrientationSegment(orientation)).toThrow(RangeError);
  });
});
