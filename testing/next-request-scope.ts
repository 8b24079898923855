import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";

/**
 * Runs a route handler the way `next start` does as far as `next/headers` is concerned: inside
 * Next's own work and request stores, built by Next's own functions. next-auth's route handler
 * reads the request's cookies and headers through `next/headers`, not from the request it gets,
 * so calling it bare (as tests call the other routes) fails; this is the request scope Next gives it.
 */
// What Next's Node entry does before any of its modules load (next/dist/server/node-environment-baseline.js).
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
const require = createRequire(import.meta.url);
const { workAsyncStorage } = require("next/dist/server/app-render/work-async-storage.external") as {
  workAsyncStorage: { run<T>(store: unknown, fn: () => T): T };
};
const { workUnitAsyncStorage } = require("next/dist/server/app-render/work-unit-async-storage.external") as {
  workUnitAsyncStorage: { run<T>(store: unknown, fn: () => T): T };
};
const { createRequestStoreForAPI } = require("next/dist/server/async-storage/request-store") as {
  createRequestStoreForAPI: (req: { headers: Headers }, url: URL, implicitTags: unknown, onUpdateCookies: unknown, previewProps: unknown) => unknown;
};
const { createWorkStore } = require("next/dist/server/async-storage/work-store") as {
  createWorkStore: (context: { page: string; renderOpts: Record<string, unknown>; isPrefetchRequest: boolean; buildId: string; previouslyRevalidatedTags: string[] }) => unknown;
};

/** `run()` (the handler called with `req`) inside a request scope for `req` on the route `page`. */
export function inNextRequestScope<T>(page: string, req: Request, run: () => Promise<T>): Promise<T> {
  const workStore = createWorkStore({ page, renderOpts: { experimental: {} }, isPrefetchRequest: false, buildId: "test", previouslyRevalidatedTags: [] });
  const requestStore = createRequestStoreForAPI(req, new URL(req.url), { tags: [], expirationsByCacheKind: new Map() }, undefined, undefined);
  return workAsyncStorage.run(workStore, () => workUnitAsyncStorage.run(requestStore, run));
}
