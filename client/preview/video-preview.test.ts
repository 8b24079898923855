import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { PREVIEW_MAX_BYTES } from "@/lib/contracts/preview-schemas";
import { fakeOffscreenCanvas } from "@/testing/fakes/fake-offscreen-canvas";
import { UNDECODABLE } from "./made-preview";
import { PREVIEW_QUALITIES } from "./encode-preview";
import { failureOf, makeVideoPreview } from "./video-preview";

/**
 * What a <video>'s error says of the video (issue 21): UNDECODABLE is reported, so no page tries
 * the file again; null leaves it to another try. The element itself, and which MediaError code a
 * browser gives for which bytes, need a browser: e2e/previews.spec.ts uploads an MP4 of noise from
 * the CLI and watches the grid report it. Here the error is the object a browser hands over, and the
 * stored file's URL is a real HTTP server on loopback (the view URL redirects to storage).
 */
const MEDIA_ERR_ABORTED = 1;
const MEDIA_ERR_NETWORK = 2;
const MEDIA_ERR_DECODE = 3;
const MEDIA_ERR_SRC_NOT_SUPPORTED = 4;
const mediaError = (code: number) => ({ code, message: "" }) as MediaError;
const never = new AbortController().signal;

let server: Server;
let origin: string;
const asked: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url!);
    if (req.url === "/view") return res.writeHead(302, { location: "/stored" }).end();
    if (req.url === "/stored") return res.writeHead(200, { "content-type": "video/mp4" }).end(Buffer.alloc(256 * 1024));
    res.writeHead(req.url === "/signed-out" ? 401 : 404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  asked.length = 0;
});

/** A loopback port nothing listens on: the network failed. */
async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/view`;
}

describe("failureOf: a <video> decode error", () => {
  it("is UNDECODABLE for a picked file and a stored one alike, without asking the stored file's URL", async () => {
    expect(await failureOf(mediaError(MEDIA_ERR_DECODE), null, never)).toBe(UNDECODABLE);
    expect(await failureOf(mediaError(MEDIA_ERR_DECODE), `${origin}/view`, never)).toBe(UNDECODABLE);
    expect(asked).toEqual([]);
  });

  it.each([
    ["an aborted load", mediaError(MEDIA_ERR_ABORTED)],
    ["a network error", mediaError(MEDIA_ERR_NETWORK)],
    ["no error at all (the time ran out)", null],
  ])("%s is none this time, not UNDECODABLE", async (_, error) => {
    expect(await failureOf(error, `${origin}/view`, never)).toBeNull();
    expect(asked).toEqual([]);
  });

  it("is none this time once the preview was cancelled, whatever the element says", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await failureOf(mediaError(MEDIA_ERR_DECODE), null, controller.signal)).toBeNull();
  });
});

describe('failureOf: "not supported"', () => {
  it("is UNDECODABLE for a picked file: nothing else could have failed", async () => {
    expect(await failureOf(mediaError(MEDIA_ERR_SRC_NOT_SUPPORTED), null, never)).toBe(UNDECODABLE);
  });

  it("is UNDECODABLE for a stored file whose URL answers with its bytes (through the view URL's redirect)", async () => {
    expect(await failureOf(mediaError(MEDIA_ERR_SRC_NOT_SUPPORTED), `${origin}/view`, never)).toBe(UNDECODABLE);
    expect(asked).toEqual(["/view", "/stored"]);
  });

  it.each([
    ["signed out", "/signed-out"],
    ["gone", "/gone"],
  ])("is none this time for a stored file whose URL answers %s", async (_, pathname) => {
    expect(await failureOf(mediaError(MEDIA_ERR_SRC_NOT_SUPPORTED), `${origin}${pathname}`, never)).toBeNull();
    expect(asked).toEqual([pathname]);
  });

  it("is none this time for a stored file whose URL cannot be reached", async () => {
    expect(await failureOf(mediaError(MEDIA_ERR_SRC_NOT_SUPPORTED), await closedPortUrl(), never)).toBeNull();
  });
});

/**
 * A <video> in memory: it loads its metadata once given a src and has seeked once given a time, as
 * the element does for a video it can play; `videoWidth` 0 is a video of sound only.
 */
class FakeVideo extends EventTarget {
  crossOrigin: string | null = null;
  muted = false;
  playsInline = false;
  preload = "";
  error: MediaError | null = null;
  duration = 3;
  #src = "";
  constructor(
    public videoWidth = 1280,
    public videoHeight = 720,
  ) {
    super();
  }
  set src(url: string) {
    this.#src = url;
    setTimeout(() => this.dispatchEvent(new Event("loadedmetadata")), 0);
  }
  get src() {
    return this.#src;
  }
  set currentTime(_: number) {
    setTimeout(() => this.dispatchEvent(new Event("seeked")), 0);
  }
  removeAttribute() {}
  load() {}
}

describe("makeVideoPreview: the poster frame's encoding", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it.each(["video/mp4", "video/quicktime"])("makes a %s's frame a JPEG (no WebP tried), drawn over white so a frame with alpha cannot turn black", async (type) => {
    const video = new FakeVideo();
    vi.stubGlobal("document", { createElement: () => video });
    const canvases = fakeOffscreenCanvas();
    vi.stubGlobal("OffscreenCanvas", canvases.OffscreenCanvas);

    const preview = await makeVideoPreview(new Blob([new Uint8Array(64)], { type }), type, never);
    expect((preview as Blob).type).toBe("image/jpeg");
    expect((preview as Blob).size).toBeLessThanOrEqual(PREVIEW_MAX_BYTES);
    expect(canvases.encoded.map(({ type, quality }) => [type, quality])).toEqual([["image/jpeg", PREVIEW_QUALITIES[0]]]);
    expect(canvases.made).toHaveLength(1);
    expect(canvases.made[0]).toMatchObject({ width: 320, height: 180 });
    expect(canvases.made[0]!.drawn).toEqual([
      { op: "fillRect", fillStyle: "#fff" },
      { op: "drawImage", source: video },
    ]);
  });

  it("makes a video of sound only UNDECODABLE, encoding nothing", async () => {
    vi.stubGlobal("document", { createElement: () => new FakeVideo(0, 0) });
    const canvases = fakeOffscreenCanvas();
    vi.stubGlobal("OffscreenCanvas", canvases.OffscreenCanvas);
    expect(await makeVideoPreview(new Blob([new Uint8Array(64)]), "video/mp4", never)).toBe(UNDECODABLE);
    expect(canvases.encoded).toEqual([]);
  });
});
