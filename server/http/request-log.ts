import "server-only";
import { toErrorResponse } from "@/lib/contracts/errors";

/**
 * One structured log line per API request: method, route template, status, duration and user id.
 * Never the URL's query, headers or bodies, so no presigned URL, token or secret reaches the logs.
 */
const requestUsers = new WeakMap<Request, string>();

/** Called by getCurrentUser, so the line can name who asked without every handler passing it on. */
export function noteRequestUser(req: Request, userId: string): void {
  requestUsers.set(req, userId);
}

export type RequestLogLine = {
  level: "info" | "error";
  msg: "api_request";
  method: string;
  route: string;
  status: number;
  durationMs: number;
  userId: string | null;
};

export type LogSink = (line: RequestLogLine) => void;

// Test runs call handlers thousands of times; their output would bury the failures.
const defaultSink: LogSink = (line) => {
  if (!process.env.VITEST) console.log(JSON.stringify(line));
};

/**
 * Wraps a route handler: a thrown error becomes its response through toErrorResponse (so handlers
 * just throw), and every request, answered or failed, writes one log line with the final status.
 */
export function logged<Rest extends unknown[]>(
  route: string,
  handler: (req: Request, ...rest: Rest) => Promise<Response>,
  sink: LogSink = defaultSink,
): (req: Request, ...rest: Rest) => Promise<Response> {
  return async (req, ...rest) => {
    const started = performance.now();
    let status = 500;
    try {
      const res = await handler(req, ...rest).catch(toErrorResponse);
      status = res.status;
      return res;
    } finally {
      sink({
        level: status >= 500 ? "error" : "info",
        msg: "api_request",
        method: req.method,
        route,
        status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        userId: requestUsers.get(req) ?? null,
      });
    }
  };
}
