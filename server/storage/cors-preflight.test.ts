import { describe, expect, it } from "vitest";
import { preflightRefusal } from "./cors-preflight";

const origin = "https://app.example";
const headers = ["Content-Type", "If-None-Match", "x-amz-checksum-crc32"];
const answer = (init: Record<string, string>, status = 200) => new Response(null, { status, headers: init });
const allowing = { "access-control-allow-origin": origin, "access-control-allow-methods": "GET, PUT, POST, HEAD", "access-control-allow-headers": "content-type, if-none-match, x-amz-checksum-crc32" };

describe("what a CORS preflight's answer allows", () => {
  it("allows a PUT when the origin, the method and every header are allowed, named or by *", () => {
    expect(preflightRefusal(answer(allowing), origin, headers)).toBeNull();
    expect(preflightRefusal(answer({ ...allowing, "access-control-allow-origin": "*", "access-control-allow-headers": "*" }), origin, headers)).toBeNull();
    expect(preflightRefusal(answer({ ...allowing, "access-control-allow-methods": "*" }, 204), origin, headers)).toBeNull();
  });

  it("names what the store refused", () => {
    expect(preflightRefusal(answer({}, 403), origin, headers)).toBe("answered 403");
    expect(preflightRefusal(answer({ ...allowing, "access-control-allow-origin": "https://other.example" }), origin, headers)).toBe(
      "origin not allowed (Access-Control-Allow-Origin: https://other.example)",
    );
    const { ["access-control-allow-origin"]: _origin, ...withoutOrigin } = allowing;
    expect(preflightRefusal(answer(withoutOrigin), origin, headers)).toBe("origin not allowed (Access-Control-Allow-Origin: none)");
    expect(preflightRefusal(answer({ ...allowing, "access-control-allow-methods": "GET, POST" }), origin, headers)).toBe("PUT not allowed (Access-Control-Allow-Methods: get, post)");
    // The CORS rules an older hand-written setup might have: the checksum but not the write-once condition.
    expect(preflightRefusal(answer({ ...allowing, "access-control-allow-headers": "content-type, x-amz-checksum-crc32" }), origin, headers)).toBe("headers not allowed: If-None-Match");
  });
});
