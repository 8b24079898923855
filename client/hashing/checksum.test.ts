import { describe, expect, it } from "vitest";
import { MIB } from "@/lib/units";
import { crc32Base64, hexToBase64 } from "./checksum";

describe("crc32Base64", () => {
  // Reference values: CRC-32/ISO-HDLC check value 0xCBF43926 for "123456789"; 0 for empty input.
  it.each([
    ["123456789", "y/Q5Jg=="],
    ["", "AAAAAA=="],
  ])("of %j is %s", async (text, expected) => {
    expect(await crc32Base64(new TextEncoder().encode(text))).toBe(expected);
  });

  it("gives the same answer for a Blob streamed in chunks as for the bytes", async () => {
    const bytes = new Uint8Array(9 * MIB + 7).map((_, i) => (i * 31) % 251);
    expect(await crc32Base64(new Blob([bytes]))).toBe(await crc32Base64(bytes));
  });

  it("hexToBase64 encodes big-endian bytes", () => {
    expect(hexToBase64("cbf43926")).toBe("y/Q5Jg==");
  });
});

describe("crc32Base64 when a BYOB read stalls", () => {
  it("starts over with the default reader and gives the same answer", async () => {
    const bytes = new Uint8Array(3 * MIB + 5).map((_, i) => (i * 13) % 241);
    // A Blob whose byte stream answers its first read and then never again, as Chromium's did.
    class StallingBlob extends Blob {
      override stream() {
        const real = super.stream();
        const getReader = real.getReader.bind(real) as (options?: { mode: "byob" }) => ReadableStreamBYOBReader | ReadableStreamDefaultReader<Uint8Array>;
        return Object.assign(real, {
          getReader: (options?: { mode: "byob" }) => {
            const reader = getReader(options);
            if (options?.mode !== "byob") return reader;
            let reads = 0;
            const byob = reader as ReadableStreamBYOBReader;
            const read = byob.read.bind(byob);
            return Object.assign(byob, { read: (view: Uint8Array) => (reads++ === 0 ? read(view) : new Promise(() => {})) });
          },
        }) as ReturnType<Blob["stream"]>;
      }
    }
    expect(await crc32Base64(new StallingBlob([bytes]), 50)).toBe(await crc32Base64(bytes));
  });
});
