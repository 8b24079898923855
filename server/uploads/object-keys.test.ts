import { describe, expect, it } from "vitest";
import { fileIdOfStagingKey, hasStoredPreview, isPreviewStagingKey, keysOf, previewKeyFor, previewStagingKeyFor } from "./object-keys";
import type { FileItem } from "@/db/schema";

describe("preview keys", () => {
  const user = "0b7e0c5e-1d2a-4c3b-9a8f-0123456789ab";
  const id = "6f1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
  const row = { userId: user, id, key: `u/${user}/${id}.png`, contentType: "image/png", strategy: "post", previewType: null } as FileItem;
  const song = { ...row, key: `u/${user}/${id}.mp3`, contentType: "audio/mpeg" } as FileItem;

  it("names one staging and one served key per file, whatever the preview's type", () => {
    expect(previewStagingKeyFor(row)).toBe(`staging/${user}/${id}.preview`);
    expect(previewKeyFor(row)).toBe(`u/${user}/${id}.preview`);
    expect(fileIdOfStagingKey(`staging/${user}/${id}.preview`)).toBe(id);
    expect(fileIdOfStagingKey(`staging/${user}/${id}`)).toBe(id);
    expect(fileIdOfStagingKey(`staging/${user}/${id}.preview.webp`)).toBeNull();
  });

  it("tells a preview's staging key from a file's", () => {
    expect(isPreviewStagingKey(`staging/${user}/${id}.preview`)).toBe(true);
    expect(isPreviewStagingKey(`staging/${user}/${id}`)).toBe(false);
  });

  it("keysOf names the preview's keys for a file of a type that gets previews (planned or not) or one that names a preview", () => {
    const previewKeys = [`u/${user}/${id}.preview`, `staging/${user}/${id}.preview`];
    expect(keysOf(row)).toEqual([row.key, `staging/${user}/${id}`, ...previewKeys]);
    expect(keysOf({ ...row, previewType: "image/webp", previewSize: 10 })).toEqual([row.key, `staging/${user}/${id}`, ...previewKeys]);
    expect(keysOf({ ...row, strategy: "multipart", previewType: "image/jpeg", previewSize: 10 })).toEqual([row.key, ...previewKeys]);
    expect(keysOf(song)).toEqual([song.key, `staging/${user}/${id}`]);
    expect(keysOf({ ...song, strategy: "multipart" })).toEqual([song.key]);
  });

  it("serves a preview only once it is stored", () => {
    expect(hasStoredPreview({ previewType: "image/webp", previewStoredAt: null })).toBe(false);
    expect(hasStoredPreview({ previewType: "image/webp", previewStoredAt: new Date() })).toBe(true);
    expect(hasStoredPreview({ previewType: null, previewStoredAt: null })).toBe(false);
  });
});
