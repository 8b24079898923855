import { describe, expect, it, vi } from "vitest";
import { settle, withFakeTimers } from "@/testing/fakes/fake-timers";
import { FakeStorage } from "@/testing/fakes/fake-storage";
import { FakeUploadServer } from "@/testing/fakes/fake-upload-api";
import { memoryResumeStore } from "@/testing/fakes/memory-resume-store";
import type { CreateUploadBody } from "@/lib/contracts/upload-schemas";
import { MIB } from "@/lib/units";
import { UploadActivity } from "@/client/queue/upload-activity";
import { RENDER_INTERVAL_MS, UploadEngine } from "./upload-engine";

/**
 * What the tab-wide upload manager asks of the engine: folder paths on every create request, stopping
 * everything at sign-out (cancelling, or keeping what can resume) and waiting until the server has
 * heard, and a count of stored files that a batch's outcome can be read from.
 */
const rules = { allowedTypes: ["image/png", "video/mp4"], maxBytes: 64 * MIB };
const PART_SIZE = 4;
let lastModified = 0;
const fileOf = (name: string, size = 10) => new File([new Uint8Array(size)], name, { type: name.endsWith(".mp4") ? "video/mp4" : "image/png", lastModified: ++lastModified });

function setup() {
  const storage = new FakeStorage();
  const server = new FakeUploadServer(storage, { multipartFrom: 20, partSize: PART_SIZE });
  const resume = memoryResumeStore();
  const engine = new UploadEngine(server.api, rules, { transport: { post: storage.post, put: storage.put, hash: async (blob) => `crc-${blob.size}`, resume } });
  engine.setConcurrency(4);
  const rows = async () => {
    await vi.advanceTimersByTimeAsync(RENDER_INTERVAL_MS);
    return engine.getSnapshot().items;
  };
  const statuses = async () => (await rows()).map((item) => item.status);
  /** Every create body the server saw, single or batched. */
  const createBodies = () => [...server.argsOf<CreateUploadBody>("create"), ...server.argsOf<CreateUploadBody[]>("createMany").flat()];
  return { storage, server, resume, engine, rows, statuses, createBodies };
}

withFakeTimers();

describe("folder paths", () => {
  it("go with every create: file items made ahead, a single create and a multipart upload's", async () => {
    const { engine, rows, createBodies } = setup();
    engine.add([{ file: fileOf("a.png"), path: "Holiday/Day 1" }, { file: fileOf("clip.mp4", 6 * PART_SIZE), path: "Holiday" }, fileOf("loose.png")]);
    expect((await rows()).map((r) => [r.name, r.path, r.status])).toEqual([
      ["a.png", "Holiday/Day 1", "done"],
      ["clip.mp4", "Holiday", "done"],
      ["loose.png", undefined, "done"],
    ]);
    const sent = createBodies().map(({ name, path }) => [name, path]);
    expect(sent.sort()).toEqual([
      ["a.png", "Holiday/Day 1"],
      ["clip.mp4", "Holiday"],
      ["loose.png", undefined],
    ]);
    // A loose file's body has no path at all, not a null or empty one.
    expect(createBodies().find((b) => b.name === "loose.png")).not.toHaveProperty("path");
  });

  it("a path the server would refuse is rejected with the reason and never requested", async () => {
    const { engine, rows, createBodies } = setup();
    engine.add([{ file: fileOf("a.png"), path: "Trip/ Day 1" }, { file: fileOf("b.png"), path: "Trip" }]);
    const [bad, good] = await rows();
    expect(bad).toMatchObject({ status: "rejected", error: { code: "bad_request", message: expect.stringContaining('Folder "Trip/ Day 1"') } });
    expect(good!.status).toBe("done");
    expect(createBodies().map((b) => b.name)).toEqual(["b.png"]);
  });
});

describe("stopAll and settled (signing out)", () => {
  it("cancelling: every row stops, every file item is released and every resume record forgotten before settled resolves", async () => {
    const { storage, server, resume, engine, statuses } = setup();
    storage.hold = true;
    engine.setConcurrency(2);
    engine.add([fileOf("clip.mp4", 6 * PART_SIZE), fileOf("a.png"), fileOf("b.png"), fileOf("c.png")]);
    expect(await statuses()).toEqual(["uploading", "uploading", "waiting", "waiting"]);
    expect(resume.records.size).toBe(1);
    server.hold("cancel");

    engine.stopAll({ keepResumable: false });
    let settled = false;
    void engine.settled().then(() => (settled = true));
    await settle();
    // Nothing new started meanwhile, and the cancels are still unanswered.
    expect(await statuses()).toEqual(["cancelled", "cancelled", "cancelled", "cancelled"]);
    expect(settled).toBe(false);
    server.release("cancel");
    await settle();
    expect(settled).toBe(true);
    // Every file item the server made (two files started, the rest made ahead) is released.
    expect(server.argsOf<string>("cancel").sort()).toEqual([...server.fileItems.keys()].sort());
    expect([...server.fileItems.values()].every((r) => r.file.status === "aborted")).toBe(true);
    expect(resume.records.size).toBe(0);
  });

  it("keeping resumable uploads: multipart rows pause with their resume records, the rest are cancelled", async () => {
    const { storage, server, resume, engine, statuses } = setup();
    storage.hold = true;
    engine.add([fileOf("clip.mp4", 6 * PART_SIZE), fileOf("a.png")]);
    expect(await statuses()).toEqual(["uploading", "uploading"]);
    engine.stopAll({ keepResumable: true });
    await engine.settled();
    expect(await statuses()).toEqual(["paused", "cancelled"]);
    const clip = [...server.fileItems.values()].find((r) => r.file.name === "clip.mp4")!;
    expect(clip.file.status).toBe("pending");
    expect([...resume.records.values()].map((r) => r.fileId)).toEqual([clip.file.id]);
    expect(storage.open(storage.puts)).toEqual([]);
  });
});

describe("stored count and batch outcome", () => {
  it("counts stored files across Clear, and reports each batch once as it ends", async () => {
    const { engine, rows } = setup();
    const activity = new UploadActivity(engine, () => Date.now());
    const outcomes: unknown[] = [];
    activity.onBatchEnd((outcome) => outcomes.push(outcome));
    engine.add([fileOf("a.png"), fileOf("b.png"), fileOf("bad.gif")]);
    await rows();
    await rows();
    engine.clear();
    engine.add([fileOf("c.png")]);
    await rows();
    await rows();
    expect(engine.stored).toBe(3);
    expect(outcomes).toEqual([
      { stored: 2, failed: 0 },
      { stored: 1, failed: 0 },
    ]);
    expect(activity.getSnapshot()).toMatchObject({ busy: false, announcement: "Uploads finished: 1 file stored." });
  });
});
