import { describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/contracts/errors";
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

  it("answers a thrown error through toErrorResponse and logs the status it answered", async () => {
    const lines: RequestLogLine[] = [];
    const log = (line: RequestLogLine) => lines.push(line);
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const failing = logged("GET /api/x", async () => Promise.reject(new Error("boom: SELECT secret")), log);
    const res = await failing(new Request("http://x/api/x"));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: "internal", message: expect.not.stringMatching(/boom|secret/) } });
    expect(lines[0]).toMatchObject({ level: "error", status: 500, userId: null });
    consoleError.mockRestore();

    const refused = logged("GET /api/y", async () => Promise.reject(new AppError("not_found", "No such file.")), log);
    const notFound = await refused(new Request("http://x/api/y"));
    expect(notFound.status).toBe(404);
    expect((await notFound.json()).error.code).toBe("not_found");
    expect(lines[1]).toMatchObject({ level: "info", route: "GET /api/y", status: 404 });
  });
});
