import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "@/proxy";
import { GET as listFiles } from "@/app/api/files/route";
import { GET as listLinks, POST as createLink } from "@/app/api/files/[id]/links/route";
import { GET as download } from "@/app/api/files/[id]/download/route";
import { GET as health } from "@/app/api/health/route";
import { GET as me } from "@/app/api/me/route";
import { GET as listTokens, POST as createToken } from "@/app/api/tokens/route";
import { POST as createUpload } from "@/app/api/uploads/route";
import { createFileItem } from "@/db/queries/file-items";
import { APP, createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { withPostForms } from "../testing/store-abilities";

// With this run's http APP_URL: no Strict-Transport-Security (tests/answer-headers-https.test.ts has the https side).

async function uploadedFile(userId: string): Promise<string> {
  const id = randomUUID();
  await createFileItem({ id, userId, name: "a.png", key: `u/${userId}/${id}.png`, size: 1, contentType: "image/png", status: "uploaded", uploadedAt: new Date() });
  return id;
}

withPostForms();

describe("Cache-Control: no-store on every answer of a route that needs a caller (issue 23)", () => {
  it("on JSON answers, redirects to signed URLs and refusals alike, by session and by API token", async () => {
    const { user, cookie } = await createSignedInUser();
    const fileId = await uploadedFile(user.id);
    const minted = await createToken(jsonRequest("/api/tokens", { cookie, body: { name: "script" } }));
    const { secret } = (await minted.json()) as { secret: string };
    const id = routeParams({ id: fileId });
    const answers: Array<[string, Response]> = [
      ["POST /api/tokens", minted],
      ["GET /api/tokens", await listTokens(jsonRequest("/api/tokens", { cookie }))],
      ["GET /api/me (session)", await me(jsonRequest("/api/me", { cookie }))],
      ["GET /api/me (token)", await me(jsonRequest("/api/me", { bearer: secret }))],
      ["GET /api/files", await listFiles(jsonRequest("/api/files", { cookie }))],
      ["GET /api/files/{id}/links", await listLinks(jsonRequest(`/api/files/${fileId}/links`, { cookie }), id)],
      ["POST /api/files/{id}/links", await createLink(jsonRequest(`/api/files/${fileId}/links`, { cookie, body: {} }), id)],
      ["GET /api/files/{id}/download", await download(jsonRequest(`/api/files/${fileId}/download`, { cookie }), id)],
      ["POST /api/uploads", await createUpload(jsonRequest("/api/uploads", { cookie, body: { name: "b.png", size: 1, type: "image/png" } }))],
      ["400", await createUpload(jsonRequest("/api/uploads", { cookie, body: { name: "b.png", size: -1, type: "image/png" } }))],
      ["401", await me(jsonRequest("/api/me"))],
      ["404", await download(jsonRequest(`/api/files/${randomUUID()}/download`, { cookie }), routeParams({ id: randomUUID() }))],
    ];
    for (const [label, res] of answers) {
      expect(res.status, label).toBeLessThan(500);
      expect(res.headers.get("cache-control"), label).toBe("no-store");
      expect(res.headers.get("strict-transport-security"), label).toBeNull();
    }
    expect(answers.map(([, res]) => res.status)).toEqual([201, 200, 200, 200, 200, 200, 201, 302, 201, 400, 401, 404]);
  });

  it("leaves a public route's own choice alone", async () => {
    const res = await health(new Request(`${APP}/api/health`));
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });
});

describe("pages over http", () => {
  it("carry no Strict-Transport-Security: browsers ignore it there, and the app is not served over https", async () => {
    const res = await proxy(new NextRequest(`${APP}/signin`));
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });
});
