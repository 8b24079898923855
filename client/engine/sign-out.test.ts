import { describe, expect, it } from "vitest";
import type { QueueItem, UploadStatus } from "@/client/queue/upload-queue";
import { settleAll, stopEveryRow } from "./sign-out";

/** Stopping every row for a sign-out, and waiting for what the server must hear. */
const row = (key: string, status: UploadStatus, resumable = false) => ({ key, status, resumable }) as QueueItem;

describe("stopEveryRow", () => {
  const rows = [row("post", "uploading"), row("parts", "uploading", true), row("paused", "paused", true), row("waiting", "waiting"), row("done", "done")];

  it("keeping what can resume: uploads that can pause do, paused ones stay, the rest is cancelled", () => {
    const calls: string[] = [];
    stopEveryRow(rows, { pause: (key) => calls.push(`pause ${key}`), cancel: (key) => calls.push(`cancel ${key}`) }, true);
    expect(calls).toEqual(["cancel post", "pause parts", "cancel waiting", "cancel done"]);
  });

  it("not keeping anything: every row is cancelled (finished rows ignore it)", () => {
    const calls: string[] = [];
    stopEveryRow(rows, { pause: (key) => calls.push(`pause ${key}`), cancel: (key) => calls.push(`cancel ${key}`) }, false);
    expect(calls).toEqual(rows.map((r) => `cancel ${r.key}`));
  });
});

describe("settleAll", () => {
  it("waits for what is pending, then for what was sent meanwhile, failures included", async () => {
    const order: string[] = [];
    let round = 0;
    await settleAll(() => {
      round++;
      if (round === 1) return [Promise.reject(new Error("503")).finally(() => order.push("first"))];
      if (round === 2) return [Promise.resolve().then(() => order.push("sent as the first ended"))];
      return [];
    });
    expect(order).toEqual(["first", "sent as the first ended"]);
    expect(round).toBe(3);
  });
});
