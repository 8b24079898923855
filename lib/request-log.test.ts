import { describe, expect, it } from "vitest";
import { logged, noteRequestUser, type RequestLogLine } from "./request-log";

describe("logged", () => {
  it("writes one line with the route template, status, duration and user, and nothing from the URL", async () => {
    const lines: RequestLogLine[] = [];
    const handler = logged(
      "PUT /api/uploads/{id}/parts",
      async (req: Request) => {
        noteRequestUser(req, "user-1");
        return new Response(null, { status: 204 });
      },
      (line) => lines.push(line),
    );
    const req = new Request("http://x/api/uploads/abc/parts?X-Amz-Signature=secret", { method: "PUT", headers: { authorization: "Bearer upl_secret" } });
    expect((await handler(req)).status).toBe(204);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "info", msg: "api_request", method: "PUT", route: "PUT /api/uploads/{id}/parts", status: 204, userId: "user-1" });
    expect(lines[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(lines)).not.toMatch(/secret|abc/);
  });

  it("logs a thrown error as a 500 at error level, and rethrows it", async () => {
    const lines: RequestLogLine[] = [];
    const handler = logged("GET /api/x", async () => Promise.reject(new Error("boom")), (line) => lines.push(line));
    await expect(handler(new Request("http://x/api/x"))).rejects.toThrow("boom");
    expect(lines[0]).toMatchObject({ level: "error", status: 500, userId: null });
  });
});
