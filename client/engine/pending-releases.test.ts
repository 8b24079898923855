import { describe, expect, it } from "vitest";
import { PendingReleases } from "./pending-releases";

/** Releases sent and not yet answered, which signing out waits for. */
describe("PendingReleases", () => {
  it("keeps each release until it is answered, and swallows its failure", async () => {
    const answers: Array<{ id: string; answer: (ok: boolean) => void }> = [];
    const releases = new PendingReleases(
      (id) => new Promise<void>((resolve, reject) => answers.push({ id, answer: (ok) => (ok ? resolve() : reject(new Error("503"))) })),
    );
    releases.release("a");
    releases.release("b");
    expect(answers.map((a) => a.id)).toEqual(["a", "b"]);
    expect(releases.pending()).toHaveLength(2);
    answers[0]!.answer(true);
    answers[1]!.answer(false);
    await Promise.allSettled(releases.pending());
    expect(releases.pending()).toEqual([]);
  });

  it("tracks any other promise sent on the way out", async () => {
    const releases = new PendingReleases(async () => {});
    let done: () => void = () => {};
    releases.track(new Promise<void>((resolve) => (done = resolve)));
    expect(releases.pending()).toHaveLength(1);
    done();
    await Promise.all(releases.pending());
    expect(releases.pending()).toEqual([]);
  });
});
