import "server-only";

/**
 * One structured log line per API request: method, route template, status, duration and user id.
 * Never the URL's query, headers or bodies, so no presigned URL, token or secret reaches the logs.
 */
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
export const consoleSink: LogSink = (line) => {
  if (!process.env.VITEST) console.log(JSON.stringify(line));
};

/**
 * Starts the clock for one request to `route` (its template, method first: `GET /api/files/{id}`);
 * the function returned writes the request's line once its final status is known.
 */
export function startRequestLog(req: Request, route: string, sink: LogSink): (status: number, userId: string | null) => void {
  const started = performance.now();
  return (status, userId) =>
    sink({
      level: status >= 500 ? "error" : "info",
      msg: "api_request",
      method: req.method,
      route,
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      userId,
    });
}
