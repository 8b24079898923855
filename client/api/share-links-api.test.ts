import { afterEach, describe, expect, it, vi } from "vitest";
import { listShareLinks, revokeShareLink, sharedDownloadHref } from "./share-links-api";

afterEach(() => vi.unstubAllGlobals());

describe("share links API", () => {
  it("builds the shared file's download href from the token, encoded", () => {
    expect(sharedDownloadHref("AbC_-9")).toBe("/s/AbC_-9/download");
    expect(sharedDownloadHref("a/b?c")).toBe("/s/a%2Fb%3Fc/download");
  });

  it("lists a file's links and revokes one by its id, each id encoded into its path", async () => {
    const fetch = vi.fn(async (_url: URL | string, init?: RequestInit) => new Response(init?.method === "DELETE" ? null : JSON.stringify({ links: [] }), { status: init?.method === "DELETE" ? 204 : 200 }));
    vi.stubGlobal("fetch", fetch);
    expect(await listShareLinks("f/1")).toEqual({ links: [] });
    expect(await revokeShareLink("l 2")).toBeUndefined();
    expect(fetch.mock.calls.map(([url, init]) => [url, init?.method ?? "GET"])).toEqual([
      ["/api/files/f%2F1/links", "GET"],
      ["/api/links/l%202", "DELETE"],
    ]);
  });
});
