/**
 * One file's multipart transfer as a pure state machine: which parts are stored, which are on the
 * wire, which wait (maybe for a backoff), and whether the file is running, paused or finished.
 * The browser driver feeds it events and asks it what to start next; nothing here does I/O.
 */
import { partSizeOf, type PartPlan } from "@/lib/part-plan";
import { backoffDelayMs, MAX_PART_ATTEMPTS, type FailureKind } from "@/client/retry-policy";

export type PartStatus = "pending" | "running" | "done";
export type PartState = { partNumber: number; size: number; status: PartStatus; attempts: number; loaded: number; retryAt: number; etag: string | null };
export type EngineStatus = "running" | "paused" | "completing" | "done" | "failed" | "cancelled";

export type EngineState = {
  status: EngineStatus;
  parts: PartState[];
  error: { code: string; message: string } | null;
  /** Part requests sent again after a failure: for reports and for the fault-injection suite. */
  resent: number;
};

export type EngineAction =
  | { type: "restore"; stored: Array<{ partNumber: number; etag: string }> }
  | { type: "partStarted"; partNumber: number }
  | { type: "partProgress"; partNumber: number; loaded: number }
  | { type: "partDone"; partNumber: number; etag: string }
  | { type: "partFailed"; partNumber: number; kind: FailureKind; message: string; at: number; random: number; retryAfterMs?: number | null }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "cancel" }
  | { type: "completing" }
  | { type: "completed" }
  | { type: "failed"; code: string; message: string };

export function createEngineState(plan: PartPlan, fileSize: number): EngineState {
  const parts = Array.from({ length: plan.partCount }, (_, i): PartState => ({
    partNumber: i + 1,
    size: partSizeOf(plan, fileSize, i + 1),
    status: "pending",
    attempts: 0,
    loaded: 0,
    retryAt: 0,
    etag: null,
  }));
  return { status: "running", parts, error: null, resent: 0 };
}

function withPart(state: EngineState, partNumber: number, change: (part: PartState) => PartState | null): EngineState {
  const part = state.parts[partNumber - 1];
  const next = part && change(part);
  if (!next) return state;
  const parts = state.parts.slice();
  parts[partNumber - 1] = next;
  return { ...state, parts };
}

/** Parts on the wire go back to waiting (their bytes were not accepted); stored parts stay. */
const requeueRunning = (parts: PartState[]) => parts.map((p) => (p.status === "running" ? { ...p, status: "pending" as const, loaded: 0 } : p));

export function engineReducer(state: EngineState, action: EngineAction): EngineState {
  const finished = state.status === "done" || state.status === "cancelled" || state.status === "failed";
  switch (action.type) {
    case "restore": {
      const stored = new Map(action.stored.map((p) => [p.partNumber, p.etag]));
      return { ...state, parts: state.parts.map((p) => (stored.has(p.partNumber) ? { ...p, status: "done", loaded: p.size, etag: stored.get(p.partNumber)! } : p)) };
    }
    case "partStarted":
      if (state.status !== "running") return state;
      return withPart(state, action.partNumber, (p) => (p.status === "pending" ? { ...p, status: "running", loaded: 0, attempts: p.attempts + 1 } : null));
    case "partProgress":
      return withPart(state, action.partNumber, (p) => (p.status === "running" ? { ...p, loaded: Math.min(p.size, Math.max(0, action.loaded)) } : null));
    case "partDone":
      return withPart(state, action.partNumber, (p) => (p.status === "done" ? null : { ...p, status: "done", loaded: p.size, etag: action.etag }));
    case "partFailed": {
      if (finished) return state;
      const part = state.parts[action.partNumber - 1];
      if (!part || part.status !== "running") return state;
      if (action.kind === "fatal" || part.attempts >= MAX_PART_ATTEMPTS) {
        return { ...state, status: "failed", parts: requeueRunning(state.parts), error: { code: "part_failed", message: `Part ${action.partNumber}: ${action.message}` } };
      }
      // An expired URL is not the store's fault: fetch a new one and go again at once.
      const delay = action.kind === "expired" ? 0 : action.retryAfterMs ?? backoffDelayMs(part.attempts - 1, action.random);
      const next = withPart(state, action.partNumber, (p) => ({ ...p, status: "pending", loaded: 0, retryAt: action.at + delay }));
      return { ...next, resent: state.resent + 1 };
    }
    case "pause":
      return state.status === "running" ? { ...state, status: "paused", parts: requeueRunning(state.parts) } : state;
    case "resume":
      return state.status === "paused" || state.status === "failed"
        ? { ...state, status: "running", error: null, parts: state.parts.map((p) => (p.status === "pending" ? { ...p, attempts: 0, retryAt: 0 } : p)) }
        : state;
    case "cancel":
      return finished ? state : { ...state, status: "cancelled", parts: requeueRunning(state.parts) };
    case "completing":
      return state.status === "running" && allPartsDone(state) ? { ...state, status: "completing" } : state;
    case "completed":
      return state.status === "completing" ? { ...state, status: "done" } : state;
    case "failed":
      return finished ? state : { ...state, status: "failed", parts: requeueRunning(state.parts), error: { code: action.code, message: action.message } };
  }
}

/** Up to `free` waiting parts whose backoff is over, lowest numbers first. */
export function startableParts(state: EngineState, free: number, now: number): PartState[] {
  if (state.status !== "running" || free <= 0) return [];
  return state.parts.filter((p) => p.status === "pending" && p.retryAt <= now).slice(0, free);
}

/** When the earliest backed-off part may go, so the driver can set one timer. */
export function nextRetryAt(state: EngineState): number | null {
  const waiting = state.parts.filter((p) => p.status === "pending").map((p) => p.retryAt);
  return waiting.length > 0 ? Math.min(...waiting) : null;
}

export function allPartsDone(state: EngineState): boolean {
  return state.parts.every((p) => p.status === "done");
}

/** Bytes S3 has accepted, plus what is on the wire now; a retried part starts again from zero. */
export function transferredBytes(state: EngineState): { accepted: number; inFlight: number } {
  let accepted = 0;
  let inFlight = 0;
  for (const p of state.parts) {
    if (p.status === "done") accepted += p.size;
    else if (p.status === "running") inFlight += p.loaded;
  }
  return { accepted, inFlight };
}

export function runningCount(state: EngineState): number {
  return state.parts.filter((p) => p.status === "running").length;
}
