import { describe, expect, it } from "vitest";
import type { NextRequest } from "next/server";
import { AppError } from "@/server/http/app-error";
import { withBodyLimit } from "./body-limit";
import { readBodyBytes } from "./parse";

const CAP = 1_000;

function post(body: BodyInit | undefined, headers: Record<string, string> = {}): Request {
  return new Request("https://uploads.example.com/api/x", { method: "POST", headers, body, duplex: "half" } as RequestInit);
}

/** A body without Content-Length, in chunks of `chunk` bytes up to `total`. */
function chunked(total: number, chunk = 300): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const size = Math.min(chunk, total - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
}

async function refusal(read: Promise<unknown>): Promise<string | null> {
  try {
    await read;
    return null;
  } catch (err) {
    if (err instanceof AppError) return `${err.status} ${err.code}`;
    throw err;
  }
}

describe("readBodyBytes", () => {
  it.each([
    ["no body", undefined, {}, null],
    ["0 bytes", "", {}, null],
    ["exactly the cap", "a".repeat(CAP), {}, null],
    ["the cap plus one", "a".repeat(CAP + 1), {}, "413 payload_too_large"],
    ["a declared length over the cap", "a", { "content-length": String(CAP + 1) }, "413 payload_too_large"],
    ["a declared length at the cap", "a".repeat(CAP), { "content-length": String(CAP) }, null],
  ])("%s", async (_label, body, headers, expected) => {
    expect(await refusal(readBodyBytes(post(body, headers), CAP))).toBe(expected);
  });

  it.each([
    [CAP, null],
    [CAP + 1, "413 payload_too_large"],
  ])("a chunked body of %i bytes", async (total, expected) => {
    expect(await refusal(readBodyBytes(post(chunked(total)), CAP))).toBe(expected);
  });

  it("returns the bytes as sent", async () => {
    expect(new TextDecoder().decode(await readBodyBytes(post(chunked(700, 64)), CAP))).toBe("a".repeat(700));
  });
});

describe("withBodyLimit", () => {
  const echo = withBodyLimit(async (req: NextRequest) => Response.json({ path: req.nextUrl.pathname, body: await req.text(), type: req.headers.get("content-type") }), CAP);

  it("hands the handler a request (with nextUrl) holding the same body", async () => {
    const form = "csrfToken=abc&email=a%40example.test";
    const res = await echo(post(chunked(0)) as NextRequest, undefined);
    expect(res.status).toBe(200);
    const req = post(form, { "content-type": "application/x-www-form-urlencoded" }) as NextRequest;
    expect(await (await echo(req, undefined)).json()).toEqual({ path: "/api/x", body: form, type: "application/x-www-form-urlencoded" });
  });

  it("answers 413 payload_too_large past the cap without calling the handler", async () => {
    const res = await echo(post(chunked(CAP + 1)) as NextRequest, undefined);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
  });
});
