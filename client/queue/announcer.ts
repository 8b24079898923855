/**
 * What a screen reader hears about the queue, through one polite live region. Hearing every
 * progress event (ten a second) would drown everything else out, so it speaks at milestones
 * (started, half way, finished) and otherwise at most every ANNOUNCE_INTERVAL_MS, and only when
 * something changed since it last spoke. Pure: the caller feeds it snapshots and a clock.
 */
import type { BatchOutcome } from "./batch-tally";
import { formatDuration } from "./upload-progress";

/** Quiet time between progress announcements (between milestones, nothing else is said). */
export const ANNOUNCE_INTERVAL_MS = 10_000;

export type AnnouncerInput = {
  busy: boolean;
  filesLeft: number;
  percent: number;
  secondsLeft: number | null;
  /** Set by the snapshot that ended a batch (batch-tally.ts). */
  ended: BatchOutcome | null;
};

export type AnnouncerState = { busy: boolean; halfSaid: boolean; lastAt: number; lastKey: string };

export const QUIET_ANNOUNCER: AnnouncerState = { busy: false, halfSaid: false, lastAt: Number.NEGATIVE_INFINITY, lastKey: "" };

const files = (n: number) => `${n} file${n === 1 ? "" : "s"}`;

/** The state after this snapshot, and the text to announce now (null: say nothing). */
export function nextAnnouncement(state: AnnouncerState, input: AnnouncerInput, now: number): { state: AnnouncerState; text: string | null } {
  if (input.ended) {
    const failed = input.ended.failed > 0 ? `, ${input.ended.failed} failed` : "";
    return { state: { ...QUIET_ANNOUNCER, lastAt: now }, text: `Uploads finished: ${files(input.ended.stored)} stored${failed}.` };
  }
  if (!input.busy) return { state: { ...state, busy: false }, text: null };
  const key = `${input.percent}|${input.filesLeft}`;
  const spoken = (text: string, halfSaid: boolean) => ({ state: { busy: true, halfSaid, lastAt: now, lastKey: key }, text });
  if (!state.busy) return spoken(`Uploading ${files(input.filesLeft)}.`, input.percent >= 50);
  if (!state.halfSaid && input.percent >= 50) return spoken(`Half uploaded, ${files(input.filesLeft)} left.`, true);
  if (now - state.lastAt < ANNOUNCE_INTERVAL_MS || key === state.lastKey) return { state, text: null };
  const eta = input.secondsLeft === null ? "" : `, about ${formatDuration(input.secondsLeft)} left`;
  return spoken(`${input.percent}% uploaded, ${files(input.filesLeft)} left${eta}.`, state.halfSaid);
}
