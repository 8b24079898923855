import { describe, expect, it } from "vitest";
import { FakeStorage } from "@/testing/fakes/fake-storage";
import { FakeUploadServer } from "@/testing/fakes/fake-upload-api";
import { memoryResumeStore } from "@/testing/fakes/memory-resume-store";
import { ResumeLookup } from "./resume-lookup";

/** Which files have an unfinished upload to go on with, read once per batch of files added. */
const fileOf = (name: string, lastModified: number) => new File([new Uint8Array(24)], name, { type: "video/mp4", lastModified });

function setup() {
  const server = new FakeUploadServer(new FakeStorage(), { multipartFrom: 20, partSize: 4 });
  const resume = memoryResumeStore();
  let lists = 0;
  const store = { ...resume, list: () => (lists++, resume.list()) };
  return { server, resume, lookup: new ResumeLookup(server.api, store), lists: () => lists };
}

describe("ResumeLookup", () => {
  it("finds the pending upload this same file started, asking the server only for files saved here", async () => {
    const { server, resume, lookup, lists } = setup();
    const clip = fileOf("clip.mp4", 1);
    const earlier = server.seed({ name: clip.name, size: clip.size, type: clip.type });
    await resume.remember(clip, earlier.file.id);
    lookup.refresh();
    expect(lists()).toBe(1);
    expect((await lookup.find(clip))?.fileItem.id).toBe(earlier.file.id);
    expect(await lookup.find(fileOf("other.mp4", 2))).toBeNull();
    expect(server.argsOf("getUpload")).toEqual([earlier.file.id]);
  });

  it("before a refresh nothing is looked up; `expect` adds a retried file without reading the store again", async () => {
    const { server, resume, lookup, lists } = setup();
    const clip = fileOf("clip.mp4", 1);
    const earlier = server.seed({ name: clip.name, size: clip.size, type: clip.type });
    await resume.remember(clip, earlier.file.id);
    expect(await lookup.find(clip)).toBeNull();
    lookup.expect(clip);
    expect((await lookup.find(clip))?.fileItem.id).toBe(earlier.file.id);
    expect(lists()).toBe(0);
  });

  it("forget drops the file's saved record", async () => {
    const { resume, lookup } = setup();
    const clip = fileOf("clip.mp4", 1);
    await resume.remember(clip, "file-1");
    await lookup.forget(clip);
    expect(resume.records.size).toBe(0);
  });
});
