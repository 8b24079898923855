import "server-only";
import type { z } from "zod";
import { toErrorResponse } from "@/server/http/app-error";
import type { ParamParser } from "./params";
import { DEFAULT_MAX_BODY_BYTES, parseJsonBody, parseQuery } from "./parse";
import { consoleSink, startRequestLog, type LogSink } from "./request-log";
import { authenticate, type AuthMode, type CallerOf } from "./route-auth";
import { strictTransportSecurity } from "./transport-security";

type ParamParsers = Record<string, ParamParser<unknown>>;
type NoParams = Record<never, never>;
type ParsedParams<P extends ParamParsers> = { [K in keyof P]: ReturnType<P[K]> };
type Parsed<S> = S extends z.ZodType ? z.infer<S> : undefined;

/** What a route needs before its handler runs; each step runs in this order, and the first refusal answers. */
export type RouteSpec<M extends AuthMode, P extends ParamParsers, I, Q extends z.ZodObject | undefined, B extends z.ZodType | undefined> = {
  /** The route template as the log line names it, method first: `POST /api/uploads/{id}/parts`. */
  name: string;
  /** 1. Who may call (server/http/route-auth.ts); a refusal is 401, 403, 404 (cron off) or 415. */
  auth: M;
  /** 2. The path segments, each by its parser (server/http/params.ts), in the order listed. */
  params?: P;
  /** 3. The row the route acts on, loaded before the body is read, so a missing row is a 404 before any 400. */
  item?: (ctx: { user: CallerOf<M>; params: ParsedParams<P> }) => Promise<I>;
  /** 4. The query string, by a schema of its keys (400 naming the field). */
  query?: Q;
  /** 5. The JSON body (400 for malformed JSON or a bad field, naming it). */
  body?: B;
  /** The most body bytes read for `body` (413 `payload_too_large` past it); DEFAULT_MAX_BODY_BYTES (1 MiB) unless set. */
  maxBodyBytes?: number;
};

export type RouteContext<M extends AuthMode, P extends ParamParsers, I, Q, B> = {
  req: Request;
  user: CallerOf<M>;
  params: ParsedParams<P>;
  item: I;
  query: Parsed<Q>;
  body: Parsed<B>;
};

/** Next's second argument: the raw path segments. Routes without segments may be called without it. */
type NextContext<P extends ParamParsers> = { params: Promise<{ [K in keyof P]: string }> };
type NextArgs<P extends ParamParsers> = keyof P extends never ? [ctx?: NextContext<P>] : [ctx: NextContext<P>];

export type RouteHandler<P extends ParamParsers> = (req: Request, ...ctx: NextArgs<P>) => Promise<Response>;

/**
 * A route handler from its needs and its flow. The wrapper authenticates, parses params, query and
 * body (and loads `item`), and passes them to `handler`. Any thrown error, there or in the handler,
 * is answered through toErrorResponse, so handlers just throw. Every request, answered or refused,
 * writes one log line with its final status and, once known, the caller's id. Every answer gets
 * the headers of withAnswerHeaders.
 */
export function route<
  M extends AuthMode,
  P extends ParamParsers = NoParams,
  I = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(
  spec: RouteSpec<M, P, I, Q, B>,
  handler: (ctx: RouteContext<M, P, I, Q, B>) => Promise<Response>,
  sink: LogSink = consoleSink,
): RouteHandler<P> {
  return async (req, ...[next]) => {
    const finish = startRequestLog(req, spec.name, sink);
    const caller: { userId: string | null } = { userId: null };
    let status = 500;
    try {
      const res = withAnswerHeaders(await run(spec, handler, req, next, caller).catch(toErrorResponse), spec.auth);
      status = res.status;
      return res;
    } finally {
      finish(status, caller.userId);
    }
  };
}

async function run<M extends AuthMode, P extends ParamParsers, I, Q extends z.ZodObject | undefined, B extends z.ZodType | undefined>(
  spec: RouteSpec<M, P, I, Q, B>,
  handler: (ctx: RouteContext<M, P, I, Q, B>) => Promise<Response>,
  req: Request,
  next: NextContext<P> | undefined,
  caller: { userId: string | null },
): Promise<Response> {
  const user = await authenticate(spec.auth, req);
  caller.userId = user?.id ?? null;
  const params = await parseParams(spec.params, next);
  const item = (spec.item ? await spec.item({ user, params }) : undefined) as I;
  const query = (spec.query ? parseQuery(new URL(req.url), spec.query) : undefined) as Parsed<Q>;
  const body = (spec.body ? await parseJsonBody(req, spec.body, spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES) : undefined) as Parsed<B>;
  return handler({ req, user, params, item, query, body });
}

/**
 * Headers every API answer needs that no handler should have to remember:
 * - `Cache-Control: no-store` on every answer of a route that needs a caller (their files, links,
 *   tokens, signed URLs; refusals too), unless the handler chose its own: no browser, proxy or CDN
 *   may keep one and show it to the next person;
 * - `Strict-Transport-Security` when APP_URL is https (server/http/transport-security.ts).
 */
function withAnswerHeaders(res: Response, mode: AuthMode): Response {
  if (mode !== "public" && !res.headers.has("cache-control")) res.headers.set("cache-control", "no-store");
  const hsts = strictTransportSecurity();
  if (hsts) res.headers.set("strict-transport-security", hsts);
  return res;
}

async function parseParams<P extends ParamParsers>(parsers: P | undefined, next: NextContext<P> | undefined): Promise<ParsedParams<P>> {
  const raw: Record<string, string | undefined> = (await next?.params) ?? {};
  const parsed: Record<string, unknown> = {};
  for (const [key, parse] of Object.entries<ParamParser<unknown>>(parsers ?? {})) parsed[key] = parse(raw[key] ?? "");
  return parsed as ParsedParams<P>;
}
