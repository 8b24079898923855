import { randomUUID } from "node:crypto";
import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as listFiles } from "@/app/api/files/route";
import { POST as register } from "@/app/api/register/route";
import { POST as createToken } from "@/app/api/tokens/route";
import { POST as createUpload } from "@/app/api/uploads/route";
import { DELETE as cancelUpload } from "@/app/api/uploads/[id]/route";
import { POST as completeUpload } from "@/app/api/uploads/[id]/complete/route";
import { getDb } from "@/db";
import { getFileItemById } from "@/db/queries/file-items";
import { getUserByEmail } from "@/db/queries/users";
import { apiTokens, fileItems } from "@/db/schema";
import type { CreateTokenResponse } from "@/lib/contracts/api-token-schemas";
import { APP, createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { withPostForms } from "../testing/store-abilities";

const EVIL = "https://evil.example";
const png = { name: "photo.png", size: 10, type: "image/png" };

async function fileCount(userId: string): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(fileItems).where(eq(fileItems.userId, userId));
  return row?.n ?? 0;
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect((await res.json()).error.code).toBe(code);
}

withPostForms();

describe("cookie-authenticated state changes from another site", () => {
  it("refuses a foreign Origin (403) and creates nothing", async () => {
    const { user, cookie } = await createSignedInUser();
    const before = await fileCount(user.id);
    await expectError(await createUpload(jsonRequest("/api/uploads", { cookie, body: png, headers: { origin: EVIL } })), 403, "forbidden");
    expect(await fileCount(user.id)).toBe(before);

    await expectError(await createToken(jsonRequest("/api/tokens", { cookie, body: { name: "x" }, headers: { origin: EVIL } })), 403, "forbidden");
    const db = await getDb();
    expect(await db.select().from(apiTokens).where(eq(apiTokens.userId, user.id))).toEqual([]);
  });

  it("refuses a cross-site cancel, leaving the upload pending", async () => {
    const { user, cookie } = await createSignedInUser();
    const { file } = await (await createUpload(jsonRequest("/api/uploads", { cookie, body: png }))).json();
    const res = await cancelUpload(jsonRequest(`/api/uploads/${file.id}`, { method: "DELETE", cookie, headers: { origin: EVIL } }), routeParams({ id: file.id }));
    await expectError(res, 403, "forbidden");
    expect((await getFileItemById({ id: file.id, ownerId: user.id }))!.status).toBe("pending");
  });

  it("refuses a text/plain body (the no-preflight form trick) with 415, creating nothing", async () => {
    const { user, cookie } = await createSignedInUser();
    const before = await fileCount(user.id);
    const req = jsonRequest("/api/uploads", { cookie, rawBody: JSON.stringify(png), headers: { "content-type": "text/plain;charset=UTF-8" } });
    await expectError(await createUpload(req), 415, "unsupported_media_type");
    expect(await fileCount(user.id)).toBe(before);
  });

  it.each([
    ["no Origin and no Sec-Fetch-Site", { origin: null }],
    ["no Origin and Sec-Fetch-Site: cross-site", { origin: null, "sec-fetch-site": "cross-site" }],
    ["Origin: null", { origin: "null" }],
  ])("refuses %s (403)", async (_label, headers) => {
    const { cookie } = await createSignedInUser();
    await expectError(await createUpload(jsonRequest("/api/uploads", { cookie, body: png, headers })), 403, "forbidden");
  });

  it("allows no Origin when Sec-Fetch-Site says same-origin", async () => {
    const { cookie } = await createSignedInUser();
    const res = await createUpload(jsonRequest("/api/uploads", { cookie, body: png, headers: { origin: null, "sec-fetch-site": "same-origin" } }));
    expect(res.status).toBe(201);
  });

  it("lets the page's bodiless complete through (no content-type), to the usual 409", async () => {
    const { cookie } = await createSignedInUser();
    const { file } = await (await createUpload(jsonRequest("/api/uploads", { cookie, body: png }))).json();
    const req = new Request(`${APP}/api/uploads/${file.id}/complete`, { method: "POST", headers: { cookie, origin: APP } });
    await expectError(await completeUpload(req, routeParams({ id: file.id })), 409, "upload_incomplete");
  });

  it("answers 401, not 403, when there is no session at all (a script that forgot its token)", async () => {
    await expectError(await createUpload(jsonRequest("/api/uploads", { body: png, headers: { origin: null } })), 401, "unauthorized");
  });

  it("does not check reads: a GET answers whatever the Origin (CORS keeps the body from the other site)", async () => {
    const { cookie } = await createSignedInUser();
    expect((await listFiles(jsonRequest("/api/files", { cookie, headers: { origin: EVIL } }))).status).toBe(200);
  });
});

describe("requests with an API token", () => {
  it("are allowed without an Origin: browsers never attach Authorization on their own", async () => {
    const { user, cookie } = await createSignedInUser();
    const { secret } = (await (await createToken(jsonRequest("/api/tokens", { cookie, body: { name: "cli" } }))).json()) as CreateTokenResponse;
    const before = await fileCount(user.id);
    const res = await createUpload(jsonRequest("/api/uploads", { bearer: secret, body: png, headers: { origin: null } }));
    expect(res.status).toBe(201);
    expect(await fileCount(user.id)).toBe(before + 1);
  });
});

describe("POST /api/register", () => {
  it("refuses a foreign Origin (403) and creates no account", async () => {
    const email = `csrf-${randomUUID()}@example.test`;
    const res = await register(jsonRequest("/api/register", { body: { email, password: "password1" }, headers: { origin: EVIL } }));
    await expectError(res, 403, "forbidden");
    expect(await getUserByEmail({ email })).toBeNull();
  });

  it("refuses a form-encoded body (415)", async () => {
    const email = `csrf-${randomUUID()}@example.test`;
    const req = jsonRequest("/api/register", {
      rawBody: `email=${encodeURIComponent(email)}&password=password1`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await expectError(await register(req), 415, "unsupported_media_type");
    expect(await getUserByEmail({ email })).toBeNull();
  });
});
