import { randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, describe, expect, it, vi } from "vitest";

// This file's app is served over https: APP_URL is set before any module reads it (env is parsed once).
vi.hoisted(() => {
  vi.stubEnv("APP_URL", "https://uploads.example.test");
});

import { proxy } from "@/proxy";
import { GET as health } from "@/app/api/health/route";
import { GET as me } from "@/app/api/me/route";
import { GET as shareDownload } from "@/app/s/[token]/download/route";
import { createApiToken } from "@/server/auth/api-tokens";
import { STRICT_TRANSPORT_SECURITY } from "@/server/http/transport-security";
import { APP, createSignedInUser, jsonRequest, routeParams } from "../testing/requests";

afterAll(() => vi.unstubAllEnvs());

describe("Strict-Transport-Security when APP_URL is https (issue 23)", () => {
  it("is on pages, the share routes and API answers, authenticated or not, refusals too", async () => {
    expect(APP).toBe("https://uploads.example.test");
    expect(STRICT_TRANSPORT_SECURITY).toBe("max-age=31536000");
    const { user } = await createSignedInUser();
    const { secret } = await createApiToken(user.id, "script");
    const token = randomBytes(32).toString("base64url");
    const answers: Array<[string, Response]> = [
      ["page /signin", await proxy(new NextRequest(`${APP}/signin`))],
      ["page /s/{token}", await proxy(new NextRequest(`${APP}/s/${token}`))],
      ["GET /s/{token}/download (404)", await shareDownload(new Request(`${APP}/s/${token}/download`), routeParams({ token }))],
      ["GET /api/health", await health(new Request(`${APP}/api/health`))],
      ["GET /api/me", await me(jsonRequest("/api/me", { bearer: secret }))],
      ["GET /api/me (401)", await me(jsonRequest("/api/me"))],
    ];
    for (const [label, res] of answers) expect(res.headers.get("strict-transport-security"), label).toBe(STRICT_TRANSPORT_SECURITY);
    expect(answers.map(([, res]) => res.status)).toEqual([200, 200, 404, 200, 200, 401]);
  });
});
