/**
 * A fault-injecting HTTP proxy in front of MinIO, for tests. The browser's presigned requests come
 * here (the test run points S3_PUBLIC_ENDPOINT at it) and are forwarded untouched, Host header
 * included: SigV4 signs the host the URL was made for, and MinIO checks it against the Host it
 * receives. Told to (POST /__faults), it breaks some upload requests the ways networks and S3 do:
 * the connection cut mid-body, 503 SlowDown, a delay, an expired signature. Decisions come from a
 * seeded PRNG, so a run is repeatable. Loopback only; every wait is bounded.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { seededRandom } from "./seeded-random";

export const FAULT_KINDS = ["drop", "slowDown", "expire", "delay"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
/** UploadPart PUTs (`?partNumber=&uploadId=`) and browser form POSTs; nothing else is faulted. */
/** `part`: a multipart part's PUT; `single`: a small file's (or a preview's) one request, a POST form or a PUT. */
export type FaultTarget = "part" | "single";

const rate = z.number().min(0).max(1).default(0);

/** Control body for POST /__faults; every field optional, absent rates are 0 (no faults). */
export const faultSettingsSchema = z
  .object({
    /** Share of upload requests whose connection is cut after part of the body arrived. */
    dropRate: rate,
    /** Share answered 503 SlowDown with `Retry-After: 1`, never forwarded. */
    slowDownRate: rate,
    /** Share answered 403 AccessDenied "Request has expired", never forwarded. */
    expireRate: rate,
    /** Share held back before forwarding, each for a seeded random share of `delayMs`. */
    delayRate: rate,
    delayMs: z.number().int().min(0).max(10_000).default(0),
    seed: z.number().int().default(1),
    targets: z.array(z.enum(["part", "single"])).default(["part", "single"]),
  })
  .refine((s) => s.dropRate + s.slowDownRate + s.expireRate + s.delayRate <= 1, "the rates add up to more than 1");
export type FaultSettings = z.infer<typeof faultSettingsSchema>;
export type FaultSettingsInput = z.input<typeof faultSettingsSchema>;

export type FaultEvent = {
  kind: FaultKind;
  target: FaultTarget;
  path: string;
  /** Parts only: `<uploadId>#<partNumber>`, and which request for that part this was (1 = first). */
  part: { key: string; partNumber: number; attempt: number } | null;
  /** When the request arrived (epoch ms). */
  at: number;
  delayMs?: number;
  cutAfterBytes?: number;
};

export type FaultStats = {
  /** Every request seen, control calls excluded. */
  requests: number;
  /** Requests passed on to MinIO (delayed ones included). */
  forwarded: number;
  /** Upload requests seen by target, faulted or not. */
  uploads: Record<FaultTarget, number>;
  faults: Record<FaultTarget, Record<FaultKind, number>>;
  /** The faults in order (the first 1,000). */
  events: FaultEvent[];
};

/**
 * Picks each upload request's fate: a fault kind or null, plus a share in [0, 1) for its size.
 * Parts and POSTs draw from separate streams, so the n-th part request meets the same fate
 * however the page interleaves its parts and small files.
 */
export function createFaultPicker(settings: FaultSettings, target: FaultTarget = "part"): () => { kind: FaultKind | null; share: number } {
  const random = seededRandom(target === "part" ? settings.seed : settings.seed ^ 0x9e3779b9);
  const bands: Array<[FaultKind, number]> = [
    ["drop", settings.dropRate],
    ["slowDown", settings.slowDownRate],
    ["expire", settings.expireRate],
    ["delay", settings.delayRate],
  ];
  return () => {
    const roll = random();
    const share = random();
    let edge = 0;
    for (const [kind, width] of bands) {
      edge += width;
      if (roll < edge) return { kind, share };
    }
    return { kind: null, share };
  };
}

/** No fault of any kind: the proxy is a plain pass-through. */
export const NO_FAULTS: FaultSettings = faultSettingsSchema.parse({});
const MAX_EVENTS = 1_000;
/** Bounds on every wait, so a stuck client or upstream never hangs a test run. */
const UPSTREAM_IDLE_MS = 60_000;
const DRAIN_LIMIT_MS = 30_000;

function emptyStats(): FaultStats {
  const none = () => ({ drop: 0, slowDown: 0, expire: 0, delay: 0 });
  return { requests: 0, forwarded: 0, uploads: { part: 0, single: 0 }, faults: { part: none(), single: none() }, events: [] };
}

function targetOf(req: http.IncomingMessage, url: URL): FaultTarget | null {
  if (req.method === "PUT" && url.searchParams.has("partNumber") && url.searchParams.has("uploadId")) return "part";
  if (req.method === "POST" && /^multipart\/form-data/i.test(req.headers["content-type"] ?? "")) return "single";
  if (req.method === "PUT" && !url.searchParams.has("uploadId")) return "single";
  return null;
}

/** Our own answers must pass CORS like MinIO's, or the page sees a network error instead. */
function corsHeaders(req: http.IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  return origin ? { "access-control-allow-origin": origin, "access-control-expose-headers": "Retry-After, x-amz-request-id", vary: "Origin" } : {};
}

/** Reads the rest of the request body (so the client sees our answer, not a reset), at most 30 s. */
function drain(req: http.IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      req.socket.destroy();
      resolve();
    }, DRAIN_LIMIT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    req.once("end", done).once("close", done).resume();
  });
}

async function answerS3Error(req: http.IncomingMessage, res: http.ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}) {
  await drain(req);
  const path = new URL(req.url ?? "/", "http://proxy").pathname;
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Resource>${path}</Resource><RequestId>fault-proxy</RequestId></Error>`;
  res.writeHead(status, { "content-type": "application/xml", "content-length": Buffer.byteLength(body), ...corsHeaders(req), ...extra });
  res.end(body);
}

/** Lets `cutAfter` bytes of the body arrive, then resets the connection: no answer ever comes. */
function dropMidBody(req: http.IncomingMessage, cutAfter: number) {
  let received = 0;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, DRAIN_LIMIT_MS);
  req.socket.once("close", () => clearTimeout(timer));
  req.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received >= cutAfter) cut();
  });
  req.once("end", cut);
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

function withoutHopByHop(headers: http.IncomingHttpHeaders, keepTransferEncoding: boolean): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && (!HOP_BY_HOP.has(name) || (keepTransferEncoding && name === "transfer-encoding"))) out[name] = value;
  }
  return out;
}

export type FaultProxy = {
  /** Base URL to use as S3_PUBLIC_ENDPOINT; the control API lives under `${url}/__faults`. */
  url: string;
  configure: (input: FaultSettingsInput) => FaultSettings;
  stats: () => FaultStats;
  close: () => Promise<void>;
};

/** Starts the proxy on 127.0.0.1 (a free port unless given), forwarding to `target` (MinIO's URL). */
export async function startFaultProxy(options: { target: string; port?: number }): Promise<FaultProxy> {
  const target = new URL(options.target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let settings = NO_FAULTS;
  const pickers = (s: FaultSettings) => ({ part: createFaultPicker(s, "part"), single: createFaultPicker(s, "single") });
  let pick = pickers(settings);
  let stats = emptyStats();
  let partAttempts = new Map<string, number>();
  const faultsOn = () => settings.dropRate + settings.slowDownRate + settings.expireRate + settings.delayRate > 0;

  const configure = (input: FaultSettingsInput) => {
    settings = faultSettingsSchema.parse(input);
    pick = pickers(settings);
    stats = emptyStats();
    partAttempts = new Map();
    return settings;
  };

  const forward = (req: http.IncomingMessage, res: http.ServerResponse) => {
    stats.forwarded++;
    const upstream = http.request({ hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: withoutHopByHop(req.headers, true), agent, timeout: UPSTREAM_IDLE_MS });
    upstream.on("response", (answer) => {
      const headers = withoutHopByHop(answer.headers, false);
      // While faults are on, connections are not reused: Chromium silently resends a request
      // that failed on a reused connection, which would hide a drop from the page. Not after an
      // early answer, though: closing then resets the socket before the client reads the answer.
      if (faultsOn() && req.complete) headers.connection = "close";
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    // MinIO may answer early (a refused signature) and stop reading: the rest of the body is
    // read and thrown away here, so a request sent after it on the same connection is not stuck.
    upstream.on("close", () => {
      if (req.complete) return;
      req.unpipe(upstream);
      void drain(req);
    });
    upstream.on("timeout", () => upstream.destroy(new Error("MinIO went quiet")));
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { ...corsHeaders(req), connection: "close" }).end();
      else if (!res.writableFinished) res.destroy();
    });
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  const control = async (req: http.IncomingMessage, res: http.ServerResponse, path: string) => {
    const reply = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (path === "/__faults/stats" && req.method === "GET") return reply(200, stats);
    if (path === "/__faults" && req.method === "DELETE") {
      // Stats stay readable after the faults stop.
      settings = NO_FAULTS;
      pick = pickers(settings);
      return reply(200, settings);
    }
    if (path === "/__faults" && req.method === "POST") {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const parsed = faultSettingsSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString() || "{}"));
      return parsed.success ? reply(200, configure(parsed.data)) : reply(400, { error: parsed.error.message });
    }
    return reply(404, { error: "unknown control call" });
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    if (url.pathname.startsWith("/__faults")) return control(req, res, url.pathname);
    stats.requests++;
    const kind = targetOf(req, url);
    if (!kind) return forward(req, res);
    stats.uploads[kind]++;
    const partKey = kind === "part" ? `${url.searchParams.get("uploadId")}#${url.searchParams.get("partNumber")}` : null;
    if (partKey) partAttempts.set(partKey, (partAttempts.get(partKey) ?? 0) + 1);
    const { kind: fault, share } = settings.targets.includes(kind) ? pick[kind]() : { kind: null, share: 0 };
    if (!fault) return forward(req, res);
    stats.faults[kind][fault]++;
    const part = partKey ? { key: partKey, partNumber: Number(url.searchParams.get("partNumber")), attempt: partAttempts.get(partKey)! } : null;
    const event: FaultEvent = { kind: fault, target: kind, path: url.pathname, part, at: Date.now() };
    if (stats.events.length < MAX_EVENTS) stats.events.push(event);
    switch (fault) {
      case "drop": {
        const length = Number(req.headers["content-length"] ?? 0);
        event.cutAfterBytes = length > 0 ? Math.max(1, Math.floor(length * (0.25 + share / 2))) : 64 * 1024;
        return dropMidBody(req, event.cutAfterBytes);
      }
      case "slowDown":
        return answerS3Error(req, res, 503, "SlowDown", "Please reduce your request rate.", { "retry-after": "1", connection: "close" });
      case "expire":
        return answerS3Error(req, res, 403, "AccessDenied", "Request has expired", { connection: "close" });
      case "delay":
        event.delayMs = Math.floor(share * settings.delayMs);
        await new Promise((resolve) => setTimeout(resolve, event.delayMs));
        return forward(req, res);
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => (res.headersSent ? res.destroy() : res.writeHead(500).end()));
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    configure,
    stats: () => stats,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/** The control API from another process (the Playwright specs run apart from `npm test`). */
export const faultControl = (proxyUrl: string) => ({
  set: async (input: FaultSettingsInput): Promise<FaultSettings> => (await controlCall(proxyUrl, "/__faults", "POST", input)) as FaultSettings,
  off: async (): Promise<void> => void (await controlCall(proxyUrl, "/__faults", "DELETE")),
  stats: async (): Promise<FaultStats> => (await controlCall(proxyUrl, "/__faults/stats", "GET")) as FaultStats,
});

async function controlCall(proxyUrl: string, path: string, method: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${proxyUrl}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`fault proxy ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
