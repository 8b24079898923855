import { describe, expect, it } from "vitest";
import type { UploadSettings } from "@/lib/contracts/upload-schemas";
import { checksumFieldFor } from "./create-checksums";

const MAX = 100;
const settings = (smallUploads: "post" | "put", formChecksum: "sha256" | null): UploadSettings => ({ smallUploads, singleRequestMaxBytes: MAX, formChecksum });

describe("checksumFieldFor", () => {
  it.each([
    ["put", null, 0, "checksum"],
    ["put", null, MAX, "checksum"],
    ["put", null, MAX + 1, null],
    ["post", "sha256", 0, "sha256"],
    ["post", "sha256", MAX, "sha256"],
    ["post", "sha256", MAX + 1, null],
    ["post", null, 1, null],
    ["post", null, MAX + 1, null],
  ] as const)("%s form checksum %s, %i bytes: %s", (smallUploads, formChecksum, size, field) => {
    expect(checksumFieldFor(settings(smallUploads, formChecksum), size)).toBe(field);
  });
});
