import { describe, expect, it } from "vitest";
import { ANNOUNCE_INTERVAL_MS, nextAnnouncement, QUIET_ANNOUNCER, type AnnouncerInput, type AnnouncerState } from "./announcer";

const busy = (percent: number, filesLeft = 4, secondsLeft: number | null = 30): AnnouncerInput => ({ busy: true, filesLeft, percent, secondsLeft, ended: null });

/** Feeds [time, input] pairs; returns what was said, with when. */
function speak(steps: Array<[number, AnnouncerInput]>): Array<[number, string]> {
  let state: AnnouncerState = QUIET_ANNOUNCER;
  const said: Array<[number, string]> = [];
  for (const [at, input] of steps) {
    const next = nextAnnouncement(state, input, at);
    state = next.state;
    if (next.text !== null) said.push([at, next.text]);
  }
  return said;
}

describe("nextAnnouncement", () => {
  it("speaks at the start, half way and the end, and at most every interval between, never per progress event", () => {
    const steps: Array<[number, AnnouncerInput]> = [];
    // Ten progress events a second for 25 s, from 0% to 99%.
    for (let at = 0; at <= 25_000; at += 100) steps.push([at, busy(Math.floor((at / 25_000) * 99), 4, 25 - Math.floor(at / 1000))]);
    steps.push([25_100, { busy: false, filesLeft: 0, percent: 100, secondsLeft: null, ended: { stored: 3, failed: 1 } }]);
    const said = speak(steps);
    expect(said.map(([, text]) => text)).toEqual([
      "Uploading 4 files.",
      "39% uploaded, 4 files left, about 15 s left.",
      "Half uploaded, 4 files left.",
      "89% uploaded, 4 files left, about 3 s left.",
      "Uploads finished: 3 files stored, 1 failed.",
    ]);
    const progress = said.filter(([, text]) => text.includes("% uploaded")).map(([at]) => at);
    expect(progress[0]! - 0).toBeGreaterThanOrEqual(ANNOUNCE_INTERVAL_MS);
    expect(progress[1]! - progress[0]!).toBeGreaterThanOrEqual(ANNOUNCE_INTERVAL_MS);
  });

  it("stays quiet while nothing moves (a paused queue), however long", () => {
    expect(speak([[0, busy(20)], [15_000, busy(20)], [60_000, busy(20)]]).map(([, t]) => t)).toEqual(["Uploading 4 files."]);
  });

  it("says nothing while idle, and starts afresh for the next batch", () => {
    const ended = { busy: false, filesLeft: 0, percent: 100, secondsLeft: null, ended: { stored: 1, failed: 0 } };
    const idle = { busy: false, filesLeft: 0, percent: 0, secondsLeft: null, ended: null };
    expect(speak([[0, busy(60, 1)], [100, ended], [200, idle], [300, busy(0, 2)]]).map(([, t]) => t)).toEqual([
      "Uploading 1 file.",
      "Uploads finished: 1 file stored.",
      "Uploading 2 files.",
    ]);
  });
});
