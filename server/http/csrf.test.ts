import { describe, expect, it } from "vitest";
import { assertSameOriginRequest } from "./csrf";
import { AppError } from "@/server/http/app-error";

const APP_URL = "https://uploads.example.com/";

function request(method: string, headers: Record<string, string>): Request {
  return new Request("https://uploads.example.com/api/uploads", { method, headers });
}

function refusal(req: Request): string | null {
  try {
    assertSameOriginRequest(req, APP_URL);
    return null;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
}

const json = { "content-type": "application/json" };
const own = { origin: "https://uploads.example.com" };

describe("assertSameOriginRequest", () => {
  it.each([
    ["a same-origin JSON POST", "POST", { ...own, ...json }, null],
    ["JSON with a charset", "POST", { ...own, "content-type": "Application/JSON; charset=utf-8" }, null],
    ["a bodiless POST (complete)", "POST", own, null],
    ["a bodiless DELETE", "DELETE", own, null],
    ["no Origin but Sec-Fetch-Site: same-origin", "POST", { "sec-fetch-site": "same-origin", ...json }, null],
    ["a GET from anywhere", "GET", { origin: "https://evil.example" }, null],
    ["a HEAD with no headers", "HEAD", {}, null],
    ["a foreign Origin", "POST", { origin: "https://evil.example", ...json }, "forbidden"],
    ["a sibling port", "PATCH", { origin: "https://uploads.example.com:8443", ...json }, "forbidden"],
    ["http instead of https", "PUT", { origin: "http://uploads.example.com", ...json }, "forbidden"],
    ["Origin: null (sandboxed frame)", "POST", { origin: "null", ...json }, "forbidden"],
    ["Origin wins over Sec-Fetch-Site", "POST", { origin: "https://evil.example", "sec-fetch-site": "same-origin", ...json }, "forbidden"],
    ["no Origin and Sec-Fetch-Site: same-site", "POST", { "sec-fetch-site": "same-site", ...json }, "forbidden"],
    ["no Origin and no Sec-Fetch-Site", "DELETE", {}, "forbidden"],
    ["a text/plain body (cross-site form's trick)", "POST", { ...own, "content-type": "text/plain;charset=UTF-8" }, "unsupported_media_type"],
    ["a form-urlencoded body", "POST", { ...own, "content-type": "application/x-www-form-urlencoded" }, "unsupported_media_type"],
    ["a multipart form", "POST", { ...own, "content-type": "multipart/form-data; boundary=x" }, "unsupported_media_type"],
    ["a body with no type", "POST", { ...own, "content-length": "12" }, "unsupported_media_type"],
    ["a chunked body with no type", "POST", { ...own, "transfer-encoding": "chunked" }, "unsupported_media_type"],
    ["an empty body with no type", "POST", { ...own, "content-length": "0" }, null],
  ])("%s", (_label, method, headers, expected) => {
    expect(refusal(request(method, headers))).toBe(expected);
  });
});
