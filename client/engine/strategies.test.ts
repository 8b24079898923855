import { describe, expect, it, vi } from "vitest";
import { ConnectionPool } from "@/client/connection-pool";
import { FakeStorage } from "@/testing/fakes/fake-storage";
import { FakeUploadServer } from "@/testing/fakes/fake-upload-api";
import { memoryResumeStore } from "@/testing/fakes/memory-resume-store";
import type { CreateUploadBody } from "@/lib/contracts/upload-schemas";
import { runUploadJob, UPLOAD_JOBS } from "./strategies";
import type { JobEvents } from "./upload-job";

/**
 * Each strategy's job behind the one interface: the same input and events, the server's choice of
 * strategy picks the job. What each job does in depth is tested beside it (client/post, client/multipart).
 */
function setup() {
  const storage = new FakeStorage();
  const server = new FakeUploadServer(storage, { multipartFrom: 20, partSize: 4 });
  const deps = { api: server.api, pool: new ConnectionPool(4), transport: { post: storage.post, putFile: storage.putFile, put: storage.put, hash: async (b: Blob) => `crc-${b.size}`, resume: memoryResumeStore() } };
  const heard: string[] = [];
  const events: JobEvents = {
    created: (id, resumable) => heard.push(resumable ? `created ${id} resumable ${resumable.loaded}` : `created ${id}`),
    progress: () => {},
    retrying: () => heard.push("retrying"),
    verifying: () => heard.push("verifying"),
    pausable: () => heard.push("pausable"),
  };
  const send = async (size: number) => {
    const body: CreateUploadBody = { name: "f.mp4", size, type: "video/mp4" };
    const { file: fileItem, upload } = await server.api.create(body);
    const release = vi.fn();
    const file = new File([new Uint8Array(size)], body.name, { type: body.type });
    const done = await runUploadJob(deps, { file, body, fileItem, upload, stored: [], signal: new AbortController().signal, fileItemAskedAt: 0, events, release });
    return { done, fileItem, release };
  };
  return { server, heard, send };
}

describe("runUploadJob", () => {
  it("registers one job per strategy the server can choose", () => {
    expect(Object.keys(UPLOAD_JOBS).sort()).toEqual(["multipart", "post", "put"]);
  });

  it("a small file goes as one POST: created, verifying, done; it cannot pause", async () => {
    const { server, heard, send } = setup();
    const { done, fileItem, release } = await send(10);
    expect(done).toMatchObject({ id: fileItem.id, status: "uploaded" });
    expect(heard).toEqual([`created ${fileItem.id}`, "verifying"]);
    expect(server.argsOf("complete")).toEqual([fileItem.id]);
    expect(release).not.toHaveBeenCalled();
  });

  it("a big file goes in parts: created as resumable, pausable, verifying, done", async () => {
    const { server, heard, send } = setup();
    const { done, fileItem } = await send(24);
    expect(done).toMatchObject({ id: fileItem.id, status: "uploaded" });
    expect(heard).toEqual([`created ${fileItem.id} resumable 0`, "pausable", "verifying"]);
    expect(server.argsOf("completeMultipart")).toEqual([fileItem.id]);
  });
});
