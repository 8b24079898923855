import { randomUUID } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { DELETE as deleteFileRoute, PATCH as renameFileRoute } from "@/app/api/files/[id]/route";
import { GET as downloadRoute } from "@/app/api/files/[id]/download/route";
import { GET as viewRoute } from "@/app/api/files/[id]/view/route";
import { GET as listLinksRoute, POST as createLinkRoute } from "@/app/api/files/[id]/links/route";
import { DELETE as revokeLinkRoute } from "@/app/api/links/[id]/route";
import { GET as listFilesRoute } from "@/app/api/files/route";
import { GET as cleanupGet, POST as cleanupPost } from "@/app/api/internal/cleanup/route";
import { GET as meRoute } from "@/app/api/me/route";
import { POST as registerRoute } from "@/app/api/register/route";
import { DELETE as revokeTokenRoute } from "@/app/api/tokens/[id]/route";
import { GET as listTokensRoute, POST as createTokenRoute } from "@/app/api/tokens/route";
import { POST as completeRoute } from "@/app/api/uploads/[id]/complete/route";
import { POST as partDoneRoute } from "@/app/api/uploads/[id]/parts/[n]/done/route";
import { POST as partsDoneRoute } from "@/app/api/uploads/[id]/parts/done/route";
import { POST as signPartsRoute } from "@/app/api/uploads/[id]/parts/route";
import { DELETE as cancelUploadRoute, GET as getUploadRoute } from "@/app/api/uploads/[id]/route";
import { POST as createUploadRoute } from "@/app/api/uploads/route";
import { POST as createBatchRoute } from "@/app/api/uploads/batch/route";
import { POST as completeBatchRoute } from "@/app/api/uploads/batch/complete/route";
import { POST as planPreviewsRoute } from "@/app/api/previews/route";
import { POST as completePreviewsRoute } from "@/app/api/previews/complete/route";
import { POST as failedPreviewsRoute } from "@/app/api/previews/failed/route";
import { createFileItem, getFileItemById } from "@/db/queries/file-items";
import { createUserSession, endUserSession } from "@/db/queries/user-sessions";
import type { User } from "@/db/schema";
import type { CreateTokenResponse } from "@/lib/contracts/api-token-schemas";
import type { CreateShareLinkResponse } from "@/lib/contracts/share-link-schemas";
import { encodeCursor } from "@/server/library/library-cursor";
import { MIB } from "@/lib/units";
import type { CreateUploadResponse } from "@/lib/contracts/upload-schemas";
import { createTestUser, expectItemsRefusedUnchanged, expectRefusedUnchanged, freshEmail, sessionCookie, sessionJwt, snapshot, type Expected } from "./bad-input-helpers";
import { APP, jsonRequest, routeParams } from "../testing/requests";
import { testS3 } from "../testing/s3-direct";
import { stagingKeyFor } from "@/server/uploads/object-keys";
import { withPostForms } from "../testing/store-abilities";

withPostForms();

/** Bad input on every API route: a clear 4xx `{error:{code,message}}`, and no row or object changes. */

const EVIL = "https://evil.example";
const MB_STRING = "x".repeat(1024 * 1024);
/** The 8-byte PNG signature: the content check lets them through as image/png. */
const STORED_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** 7 parts of 16 MiB; part 8 is outside the plan. */
const MULTIPART_SIZE = 100 * MIB + 1;
const PARTS_IN_PLAN = 7;

type Session = { user: User; cookie: string };
type Fixtures = {
  owner: Session;
  intruder: Session;
  ownerToken: CreateTokenResponse;
  revokedToken: CreateTokenResponse;
  intruderToken: CreateTokenResponse;
  /** Pending single-request upload whose object is already in the bucket, so complete or cancel would act. */
  pendingPost: string;
  /** Pending multipart upload (a live S3 multipart upload, no parts). */
  multipart: string;
  /** Uploaded file with its object in the bucket. */
  uploaded: string;
  /** A share link of the uploaded file. */
  ownerLink: CreateShareLinkResponse;
};
let fx: Fixtures;
const userIds = () => [fx.owner.user.id, fx.intruder.user.id];
const refused = (run: () => Promise<Response>, expected?: Expected) => expectRefusedUnchanged(userIds(), run, expected);

async function putObject(key: string) {
  await testS3().send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: key, Body: STORED_BYTES, ContentType: "image/png" }));
}

async function mintToken(cookie: string, name: string): Promise<CreateTokenResponse> {
  const res = await createTokenRoute(jsonRequest("/api/tokens", { cookie, body: { name } }));
  expect(res.status).toBe(201);
  return (await res.json()) as CreateTokenResponse;
}

async function startUpload(cookie: string, body: { name: string; size: number; type: string }): Promise<string> {
  const res = await createUploadRoute(jsonRequest("/api/uploads", { cookie, body }));
  expect(res.status).toBe(201);
  return ((await res.json()) as CreateUploadResponse).file.id;
}

beforeAll(async () => {
  const [owner, intruder] = await Promise.all([createTestUser("owner"), createTestUser("intruder")]);
  const [ownerToken, revokedToken, intruderToken] = await Promise.all([
    mintToken(owner.cookie, "owner token"),
    mintToken(owner.cookie, "revoked token"),
    mintToken(intruder.cookie, "intruder token"),
  ]);
  const revoke = await revokeTokenRoute(
    jsonRequest(`/api/tokens/${revokedToken.token.id}`, { method: "DELETE", cookie: owner.cookie }),
    routeParams({ id: revokedToken.token.id }),
  );
  expect(revoke.status).toBe(204);

  const pendingPost = await startUpload(owner.cookie, { name: "pending.png", size: STORED_BYTES.length, type: "image/png" });
  // A POST upload's bytes wait at its staging key until complete copies them on.
  await putObject(stagingKeyFor((await getFileItemById({ id: pendingPost, ownerId: owner.user.id }))!));
  const multipart = await startUpload(owner.cookie, { name: "big.mp4", size: MULTIPART_SIZE, type: "video/mp4" });
  const uploadedId = randomUUID();
  const uploaded = await createFileItem({
    id: uploadedId,
    userId: owner.user.id,
    name: "uploaded.png",
    key: `u/${owner.user.id}/${uploadedId}.png`,
    size: STORED_BYTES.length,
    contentType: "image/png",
    status: "uploaded",
    uploadedAt: new Date(),
  });
  await putObject(uploaded.key);
  const link = await createLinkRoute(jsonRequest(`/api/files/${uploaded.id}/links`, { cookie: owner.cookie, body: {} }), routeParams({ id: uploaded.id }));
  expect(link.status).toBe(201);
  const ownerLink = (await link.json()) as CreateShareLinkResponse;
  fx = { owner, intruder, ownerToken, revokedToken, intruderToken, pendingPost, multipart, uploaded: uploaded.id, ownerLink };
});

// ---------------------------------------------------------------------------------------------
// The routes, each with the owner's own id and a valid body: only the bad part of a case differs.

type Target = "pendingPost" | "multipart" | "uploaded" | "ownerToken" | "ownerLink";
type Params = { id: string; n: string };
type Handler = (req: Request, ctx: { params: Promise<Params> }) => Promise<Response>;
type Route = {
  name: string;
  handler: Handler;
  target?: Target;
  body?: () => unknown;
  /** Token management answers 403 to any Bearer request. */
  tokenRoute?: boolean;
  /** The id is a share link's, not a file's. */
  linkRoute?: boolean;
  /** Every field is optional: `{}` and an empty body are valid. */
  optionalBody?: boolean;
};

const uploadBody = () => ({ name: "new.png", size: 10, type: "image/png" });
const signBody = () => ({ partNumbers: [1], checksums: { "1": "AAAAAA==" } });
const partDoneBody = () => ({ etag: '"abc"', checksum: "AAAAAA==" });
const partsDoneBody = () => ({ parts: [{ partNumber: 1, etag: '"abc"' }] });
const renameBody = () => ({ name: "renamed.png" });
const tokenBody = () => ({ name: "new token" });
const linkBody = () => ({ expiresInHours: 24, maxDownloads: 5 });
/** One preview of the owner's uploaded PNG: what each entry of POST /api/previews holds. */
const previewEntry = () => ({ fileItemId: fx.uploaded, size: 2048, type: "image/webp" });
const registerBody = () => ({ email: freshEmail("register"), password: "password1", name: "Reg" });

const R = {
  me: { name: "GET /api/me", handler: meRoute },
  listFiles: { name: "GET /api/files", handler: listFilesRoute },
  createUpload: { name: "POST /api/uploads", handler: createUploadRoute, body: uploadBody },
  createBatch: { name: "POST /api/uploads/batch", handler: createBatchRoute, body: () => ({ files: [uploadBody()] }) },
  completeBatch: { name: "POST /api/uploads/batch/complete", handler: completeBatchRoute, body: () => ({ ids: [fx.pendingPost] }) },
  getUpload: { name: "GET /api/uploads/{id}", handler: getUploadRoute, target: "multipart" },
  cancelUpload: { name: "DELETE /api/uploads/{id}", handler: cancelUploadRoute, target: "pendingPost" },
  complete: { name: "POST /api/uploads/{id}/complete", handler: completeRoute, target: "pendingPost" },
  planPreviews: { name: "POST /api/previews", handler: planPreviewsRoute, body: () => ({ previews: [previewEntry()] }) },
  completePreviews: { name: "POST /api/previews/complete", handler: completePreviewsRoute, body: () => ({ fileItemIds: [fx.uploaded] }) },
  failedPreviews: { name: "POST /api/previews/failed", handler: failedPreviewsRoute, body: () => ({ fileItemIds: [fx.uploaded] }) },
  signParts: { name: "POST /api/uploads/{id}/parts", handler: signPartsRoute, target: "multipart", body: signBody },
  partDone: { name: "POST /api/uploads/{id}/parts/{n}/done", handler: partDoneRoute, target: "multipart", body: partDoneBody },
  partsDone: { name: "POST /api/uploads/{id}/parts/done", handler: partsDoneRoute, target: "multipart", body: partsDoneBody },
  rename: { name: "PATCH /api/files/{id}", handler: renameFileRoute, target: "uploaded", body: renameBody },
  deleteFile: { name: "DELETE /api/files/{id}", handler: deleteFileRoute, target: "uploaded" },
  download: { name: "GET /api/files/{id}/download", handler: downloadRoute, target: "uploaded" },
  view: { name: "GET /api/files/{id}/view", handler: viewRoute, target: "uploaded" },
  listLinks: { name: "GET /api/files/{id}/links", handler: listLinksRoute, target: "uploaded" },
  createLink: { name: "POST /api/files/{id}/links", handler: createLinkRoute, target: "uploaded", body: linkBody, optionalBody: true },
  revokeLink: { name: "DELETE /api/links/{id}", handler: revokeLinkRoute, target: "ownerLink", linkRoute: true },
  listTokens: { name: "GET /api/tokens", handler: listTokensRoute, tokenRoute: true },
  createToken: { name: "POST /api/tokens", handler: createTokenRoute, body: tokenBody, tokenRoute: true },
  revokeToken: { name: "DELETE /api/tokens/{id}", handler: revokeTokenRoute, target: "ownerToken", tokenRoute: true },
  register: { name: "POST /api/register", handler: registerRoute, body: registerBody },
} satisfies Record<string, Route>;

const AUTHENTICATED_ROUTES: Route[] = Object.values(R).filter((r) => r !== R.register);
const WRITE_ROUTES: Route[] = Object.values(R).filter((r) => !r.name.startsWith("GET "));
const ID_ROUTES: Route[] = AUTHENTICATED_ROUTES.filter((r) => "target" in r);
const FILE_ID_ROUTES: Route[] = ID_ROUTES.filter((r) => !r.tokenRoute && !r.linkRoute);

function targetId(target: Target): string {
  if (target === "ownerToken") return fx.ownerToken.token.id;
  if (target === "ownerLink") return fx.ownerLink.link.id;
  return fx[target];
}

type Call = { id?: string; n?: string; cookie?: string; bearer?: string; headers?: Record<string, string | null>; rawBody?: string };

/** The route's request as a caller sends it; `id` defaults to the owner's own target. */
function call(route: Route, init: Call = {}): Promise<Response> {
  const [method, template] = route.name.split(" ") as [string, string];
  const id = init.id ?? (route.target ? targetId(route.target) : "");
  const n = init.n ?? "1";
  const path = template.replace("{id}", encodeURIComponent(id)).replace("{n}", encodeURIComponent(n));
  const rawBody = init.rawBody ?? (route.body ? JSON.stringify(route.body()) : undefined);
  const req = jsonRequest(path, { method, cookie: init.cookie, bearer: init.bearer, headers: init.headers, rawBody });
  return route.handler(req, routeParams({ id, n }));
}

const routeNames = (routes: Route[]) => routes.map((route) => [route.name, route] as const);

// ---------------------------------------------------------------------------------------------

describe("fixtures", () => {
  it("are what the cases below try to change", async () => {
    const state = await snapshot(userIds());
    expect(state.counts).toMatchObject({ fileItems: 3, apiTokens: 3, shareLinks: 1, objects: 2, multipartUploads: 1, fileParts: 0 });
    // Reads with the owner's own session succeed, so a 4xx below is the bad input's doing.
    for (const route of [R.me, R.listFiles, R.getUpload, R.listTokens, R.listLinks]) expect((await call(route, { cookie: fx.owner.cookie })).status).toBe(200);
    expect((await call(R.download, { cookie: fx.owner.cookie })).status).toBe(302);
    expect((await call(R.view, { cookie: fx.owner.cookie })).status).toBe(302);
  });
});

// ---------------------------------------------------------------------------------------------

type Auth = { cookie?: string; bearer?: string; headers?: Record<string, string> };
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The owner's claims with a live session of their own, so each case below is refused for its one defect. */
const ownerClaims = async () => ({ sub: fx.owner.user.id, sid: await createUserSession({ userId: fx.owner.user.id }) });

const AUTH_CASES: [string, () => Promise<Auth>][] = [
  ["no cookie and no token", async () => ({})],
  ["a garbage session cookie", async () => ({ cookie: sessionCookie("garbage") })],
  ["a 1 MB session cookie", async () => ({ cookie: sessionCookie(MB_STRING) })],
  ["a session JWT encrypted with another secret", async () => ({ cookie: sessionCookie(await sessionJwt(await ownerClaims(), { secret: "s".repeat(43) })) })],
  ["an expired session JWT (exp an hour ago)", async () => ({ cookie: sessionCookie(await sessionJwt(await ownerClaims(), { maxAge: -3600 })) })],
  ["a session JWT for a user that does not exist", async () => ({ cookie: sessionCookie(await sessionJwt({ ...(await ownerClaims()), sub: randomUUID() })) })],
  // next-auth's default `sub` for OAuth is the provider's account id; the jwt callback keeps it when GitHub gives no email.
  ["a session JWT whose sub is not a uuid (GitHub's numeric account id)", async () => ({ cookie: sessionCookie(await sessionJwt({ ...(await ownerClaims()), sub: "583231", name: "octocat" })) })],
  ["a session JWT without sub", async () => ({ cookie: sessionCookie(await sessionJwt({ email: fx.owner.user.email, sid: (await ownerClaims()).sid })) })],
  ["an unsigned alg:none JWT naming the owner", async () => ({ cookie: sessionCookie(`${b64url({ alg: "none" })}.${b64url(await ownerClaims())}.`) })],
  [
    "the owner's session JWT with one ciphertext character changed",
    async () => {
      const parts = (await sessionJwt(await ownerClaims())).split(".");
      const ciphertext = parts[3]!;
      parts[3] = (ciphertext[0] === "A" ? "B" : "A") + ciphertext.slice(1);
      return { cookie: sessionCookie(parts.join(".")) };
    },
  ],
  ["the owner's JWT under the __Secure- cookie name on http", async () => ({ cookie: `__Secure-next-auth.session-token=${await sessionJwt(await ownerClaims())}` })],
  // Issue 23: a session cookie works only while its session (user_sessions) is live.
  ["the owner's session JWT without a session id (issued before sessions were recorded)", async () => ({ cookie: sessionCookie(await sessionJwt({ sub: fx.owner.user.id, email: fx.owner.user.email })) })],
  [
    "the owner's session JWT after its session was ended",
    async () => {
      const claims = await ownerClaims();
      await endUserSession({ sid: claims.sid });
      return { cookie: sessionCookie(await sessionJwt(claims)) };
    },
  ],
  ["the owner's session JWT naming another user's live session", async () => ({ cookie: sessionCookie(await sessionJwt({ sub: fx.owner.user.id, sid: await createUserSession({ userId: fx.intruder.user.id }) })) })],
  ["a garbage Bearer token", async () => ({ bearer: "not-a-token" })],
  ["a well-formed unknown Bearer token", async () => ({ bearer: `upl_${"A".repeat(43)}` })],
  ["the owner's revoked Bearer token", async () => ({ bearer: fx.revokedToken.secret })],
  ["a 1 MB Bearer token", async () => ({ bearer: `upl_${MB_STRING}` })],
  ["a garbage Bearer token next to the owner's valid cookie", async () => ({ bearer: "garbage", cookie: fx.owner.cookie })],
  ["Basic credentials instead of a session", async () => ({ headers: { authorization: `Basic ${Buffer.from(`${fx.owner.user.email}:password1`).toString("base64")}` } })],
];

describe.each(routeNames(AUTHENTICATED_ROUTES))("%s without valid credentials", (_name, route) => {
  it.each(AUTH_CASES)("refuses %s", async (_label, auth) => {
    const credentials = await auth();
    const bearer = credentials.bearer !== undefined;
    await refused(() => call(route, credentials), route.tokenRoute && bearer ? { status: 403, code: "forbidden" } : { status: 401, code: "unauthorized" });
  });
});

describe.each(routeNames(AUTHENTICATED_ROUTES.filter((r) => r.tokenRoute)))("%s with a valid API token", (_name, route) => {
  it("refuses it (403): tokens can't manage tokens", async () => {
    await refused(() => call(route, { bearer: fx.ownerToken.secret }), { status: 403, code: "forbidden" });
  });
});

// ---------------------------------------------------------------------------------------------

const CROSS_SITE_CASES: [string, Record<string, string | null>, Expected][] = [
  ["a foreign Origin", { origin: EVIL }, { status: 403, code: "forbidden" }],
  ["Origin: null", { origin: "null" }, { status: 403, code: "forbidden" }],
  ["a look-alike Origin (the app's origin + .evil.example)", { origin: `${APP}.evil.example` }, { status: 403, code: "forbidden" }],
  ["the app's host on the other scheme", { origin: APP.startsWith("https:") ? APP.replace("https:", "http:") : APP.replace("http:", "https:") }, { status: 403, code: "forbidden" }],
  ["no Origin and no Sec-Fetch-Site", { origin: null }, { status: 403, code: "forbidden" }],
  ["no Origin and Sec-Fetch-Site: cross-site", { origin: null, "sec-fetch-site": "cross-site" }, { status: 403, code: "forbidden" }],
  ["no Origin and Sec-Fetch-Site: same-site", { origin: null, "sec-fetch-site": "same-site" }, { status: 403, code: "forbidden" }],
  ["a text/plain body", { "content-type": "text/plain;charset=UTF-8" }, { status: 415, code: "unsupported_media_type" }],
  ["a form-urlencoded body", { "content-type": "application/x-www-form-urlencoded" }, { status: 415, code: "unsupported_media_type" }],
  ["a multipart/form-data body", { "content-type": "multipart/form-data; boundary=x" }, { status: 415, code: "unsupported_media_type" }],
  ["text/plain naming application/json in a parameter", { "content-type": "text/plain; x=application/json" }, { status: 415, code: "unsupported_media_type" }],
];

describe.each(routeNames(WRITE_ROUTES))("%s from another site with the owner's cookie", (_name, route) => {
  it.each(CROSS_SITE_CASES)("refuses %s", async (_label, headers, expected) => {
    // Bodiless routes get a body too, so the content-type check has something to judge.
    const rawBody = JSON.stringify(route.body?.() ?? {});
    await refused(() => call(route, { cookie: fx.owner.cookie, headers, rawBody }), expected);
  });
});

// ---------------------------------------------------------------------------------------------

type BodyCase = [label: string, make: (valid: Record<string, unknown>) => string, expected?: Expected];
const MARK = "\u0001raw\u0001";
const BAD_REQUEST: Expected = { status: 400, code: "bad_request" };
const TOO_LARGE: Expected = { status: 413, code: "too_large" };
/** A body over the route's cap (1 MiB, or less on the batch routes) is refused before it is parsed. */
const PAYLOAD_TOO_LARGE: Expected = { status: 413, code: "payload_too_large" };
const UNSUPPORTED_TYPE: Expected = { status: 415, code: "unsupported_type" };

/** The valid body with one field set to raw JSON text (for numbers JSON.stringify can't write). */
const setRaw = (key: string, raw: string) => (valid: Record<string, unknown>) =>
  JSON.stringify({ ...valid, [key]: MARK }).replace(JSON.stringify(MARK), raw);
const fieldCase = (key: string, label: string, value: unknown, expected: Expected = BAD_REQUEST): BodyCase => [
  `${key}: ${label}`,
  (valid) => JSON.stringify({ ...valid, [key]: value }),
  expected,
];
const rawFieldCase = (key: string, raw: string, expected: Expected = BAD_REQUEST): BodyCase => [`${key}: ${raw.slice(0, 40)}`, setRaw(key, raw), expected];
const omitCase = (key: string): BodyCase => [
  `${key}: missing`,
  (valid) => JSON.stringify(Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key))),
  BAD_REQUEST,
];

const GENERIC_BODIES: BodyCase[] = [
  ["malformed JSON", () => "{"],
  ["truncated JSON", (valid) => JSON.stringify(valid).slice(0, -3)],
  ["not JSON at all", () => "hello"],
  ["JSON with a trailing comma", (valid) => JSON.stringify(valid).replace(/}$/, ",}")],
  ["a JSON array", () => "[]"],
  ["the valid body wrapped in an array", (valid) => `[${JSON.stringify(valid)}]`],
  ["a JSON string", () => '"x"'],
  ["JSON null", () => "null"],
  ["a JSON number", () => "42"],
  ["an empty object", () => "{}"],
  ["an empty body", () => ""],
  ["a 1 MB JSON string", () => JSON.stringify(MB_STRING), PAYLOAD_TOO_LARGE],
  // 200 KB: over the 64 KiB cap of POST /api/uploads/batch/complete, under the others'.
  ["100,000 nested arrays", () => "[".repeat(100_000) + "]".repeat(100_000), { status: [400, 413], code: ["bad_request", "payload_too_large"] }],
  ["a __proto__ payload", () => '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}'],
];

const BODY_ROUTES: Route[] = Object.values(R).filter((r) => "body" in r);

/** Bodies a route whose fields are all optional accepts: nothing given means every default. */
const EMPTY_BODIES = new Set(["an empty object", "an empty body"]);

describe.each(routeNames(BODY_ROUTES))("%s with a body that is not the expected object", (_name, route) => {
  it.each(GENERIC_BODIES.filter(([label]) => !(route.optionalBody && EMPTY_BODIES.has(label))))("answers 400 (413 past the body cap) to %s", async (_label, make, expected = BAD_REQUEST) => {
    await refused(() => call(route, { cookie: fx.owner.cookie, rawBody: make(route.body!() as Record<string, unknown>) }), expected);
  });
});

/**
 * Characters that change how a name reads without showing (issue 23): refused in every name the API
 * stores (files, folders, tokens, people) with a 400 naming the field and the character.
 */
const HIDDEN_CHARACTER_CASES: [label: string, text: string][] = [
  ["a right-to-left override hiding .pdf", "invoice\u202Efdp.png"],
  ["a left-to-right isolate", "a\u2066b.png"],
  ["a right-to-left mark", "a\u200Fb.png"],
  ["an Arabic letter mark", "a\u061Cb.png"],
  ["a zero-width space", "in\u200Bvoice.png"],
  ["a zero-width joiner between ASCII letters", "in\u200Dvoice.png"],
  ["a word joiner", "in\u2060voice.png"],
  // Inside the name: at either end trim() removes it, as it does spaces.
  ["a byte order mark", "in\uFEFFvoice.png"],
  ["a soft hyphen", "in\u00ADvoice.png"],
  ["a tag character", "invoice\u{E0041}.png"],
  ["a line separator", "a\u2028b.png"],
];

/** Name rules shared by upload and rename: trimmed, 1..255 characters, no control, invisible or text-direction characters. */
const FILE_NAME_CASES: BodyCase[] = [
  fieldCase("name", "a number", 5),
  fieldCase("name", "null", null),
  fieldCase("name", "an array", ["a.png"]),
  fieldCase("name", "an object", { toString: "a.png" }),
  fieldCase("name", "empty", ""),
  fieldCase("name", "blank", "   "),
  fieldCase("name", "256 characters", `${"n".repeat(252)}.png`),
  fieldCase("name", "1 MB", `${MB_STRING}.png`, PAYLOAD_TOO_LARGE),
  fieldCase("name", "a NUL byte", "a\u0000.png"),
  fieldCase("name", "only a NUL byte", "\u0000"),
  fieldCase("name", "a NUL before a second extension", "photo.png\u0000.html"),
  fieldCase("name", "a newline", "a\nb.png"),
  fieldCase("name", "a carriage return", "a\r.png"),
  fieldCase("name", "a tab", "a\tb.png"),
  fieldCase("name", "DEL", "a\u007f.png"),
  ...HIDDEN_CHARACTER_CASES.map(([label, name]) => fieldCase("name", label, name)),
  omitCase("name"),
];

/**
 * Folder paths (issue 15) the contract refuses, each with the rule its 400 names; the file's name
 * and everything else in the body are valid. A path is a label, never part of a key, but a
 * traversal or an absolute path is refused rather than shown.
 */
const FOLDER_PATH_CASES: [label: string, value: unknown, expected: Expected, rule?: RegExp][] = [
  ["empty", "", BAD_REQUEST, /must not be empty/],
  ["..", "..", BAD_REQUEST, /\. or \.\. folders/],
  [".. inside", "Holiday/../../etc", BAD_REQUEST, /\. or \.\. folders/],
  [". inside", "Holiday/./Day 1", BAD_REQUEST, /\. or \.\. folders/],
  ["a leading /", "/etc/Holiday", BAD_REQUEST, /relative/],
  ["a trailing /", "Holiday/", BAD_REQUEST, /empty folder names/],
  ["//", "Holiday//Day 1", BAD_REQUEST, /empty folder names/],
  ["a backslash", "Holiday\\Day 1", BAD_REQUEST, /not \\/],
  ["a Windows traversal", "..\\..\\Windows", BAD_REQUEST, /not \\/],
  ["a NUL byte", "Holiday\u0000/Day 1", BAD_REQUEST, /control characters/],
  ["a newline", "Holiday\nDay 1", BAD_REQUEST, /control characters/],
  ["a tab", "Holiday\tDay 1", BAD_REQUEST, /control characters/],
  ["DEL", "Holiday\u007f", BAD_REQUEST, /control characters/],
  ["a C1 control (NEL)", "Holiday\u0085", BAD_REQUEST, /control characters/],
  ...HIDDEN_CHARACTER_CASES.map(([label, text]): [string, unknown, Expected, RegExp] => [label, `Holiday/${text}`, BAD_REQUEST, /invisible or text-direction/]),
  ["1025 characters", `${"p".repeat(255)}/${"p".repeat(255)}/${"p".repeat(255)}/${"p".repeat(257)}`, BAD_REQUEST, /at most 1024 characters/],
  ["a folder name of 256 characters", `Holiday/${"d".repeat(256)}`, BAD_REQUEST, /at most 255 characters/],
  ["a space at the end of a folder name", "Holiday /Day 1", BAD_REQUEST, /spaces at either end/],
  ["a number", 5, BAD_REQUEST],
  ["null (leave it out instead)", null, BAD_REQUEST],
  ["an array", ["Holiday", "Day 1"], BAD_REQUEST],
  ["1 MB", MB_STRING, PAYLOAD_TOO_LARGE],
];

/** The ids of a preview batch by id (POST /api/previews/complete and /failed). */
const PREVIEW_IDS_CASES: BodyCase[] = [
  fieldCase("fileItemIds", "empty", []),
  fieldCase("fileItemIds", "101 ids", Array.from({ length: 101 }, () => randomUUID())),
  fieldCase("fileItemIds", "a string", randomUUID()),
  fieldCase("fileItemIds", "numbers", [5]),
  fieldCase("fileItemIds", "null entries", [null]),
  fieldCase("fileItemIds", "a 101-character id", ["x".repeat(101)]),
  fieldCase("fileItemIds", "a 1 MB id", [MB_STRING], PAYLOAD_TOO_LARGE),
  omitCase("fileItemIds"),
];

const FIELD_CASES: [Route, BodyCase[]][] = [
  [
    R.createUpload,
    [
      ...FILE_NAME_CASES,
      fieldCase("name", "a path traversal without the type's extension", "../../etc/passwd", UNSUPPORTED_TYPE),
      fieldCase("name", "a Windows path traversal", "..\\..\\boot.ini", UNSUPPORTED_TYPE),
      fieldCase("name", "a right-to-left override hiding .exe", "\u202Egnp.exe"),
      fieldCase("name", "an emoji name with .exe", "\u{1F4A5}.exe", UNSUPPORTED_TYPE),
      rawFieldCase("size", "1e308"),
      rawFieldCase("size", "-1e308"),
      rawFieldCase("size", "1e999"),
      rawFieldCase("size", "9007199254740993"),
      rawFieldCase("size", "-1"),
      rawFieldCase("size", "1.5"),
      rawFieldCase("size", "0.1"),
      rawFieldCase("size", '"NaN"'),
      rawFieldCase("size", '"10"'),
      rawFieldCase("size", "null"),
      rawFieldCase("size", "true"),
      rawFieldCase("size", "[10]"),
      omitCase("size"),
      rawFieldCase("size", String(Number.MAX_SAFE_INTEGER), TOO_LARGE),
      rawFieldCase("size", String(5 * 1024 ** 4 + 1), TOO_LARGE),
      fieldCase("type", "a number", 5),
      fieldCase("type", "null", null),
      fieldCase("type", "empty", ""),
      fieldCase("type", "1 MB", MB_STRING, PAYLOAD_TOO_LARGE),
      fieldCase("type", "text/html", "text/html", UNSUPPORTED_TYPE),
      fieldCase("type", "a path", "../../etc/passwd", UNSUPPORTED_TYPE),
      fieldCase("type", "a wildcard", "image/*", UNSUPPORTED_TYPE),
      fieldCase("type", "a NUL after the type", "image/png\u0000", UNSUPPORTED_TYPE),
      omitCase("type"),
      fieldCase("idempotencyKey", "a number", 1234567890123456),
      fieldCase("idempotencyKey", "null", null),
      fieldCase("idempotencyKey", "15 characters", "k".repeat(15)),
      fieldCase("idempotencyKey", "65 characters", "k".repeat(65)),
      fieldCase("idempotencyKey", "a path traversal", "../../../../etc/passwd"),
      fieldCase("idempotencyKey", "a NUL byte", `${"k".repeat(16)}\u0000`),
      fieldCase("idempotencyKey", "SQL", "k'; drop table file_items; --"),
      ...FOLDER_PATH_CASES.map(([label, value, expected]) => fieldCase("path", label, value, expected)),
    ],
  ],
  [
    R.createBatch,
    [
      fieldCase("files", "empty", []),
      fieldCase("files", "101 files", Array.from({ length: 101 }, uploadBody)),
      fieldCase("files", "an object", uploadBody()),
      fieldCase("files", "a string", "new.png"),
      fieldCase("files", "null", null),
      fieldCase("files", "null entries", [null]),
      fieldCase("files", "a valid file next to a malformed one", [uploadBody(), { ...uploadBody(), size: -1 }]),
      omitCase("files"),
    ],
  ],
  [
    R.completeBatch,
    [
      fieldCase("ids", "empty", []),
      fieldCase("ids", "101 ids", Array.from({ length: 101 }, () => randomUUID())),
      fieldCase("ids", "a string", randomUUID()),
      fieldCase("ids", "numbers", [5]),
      fieldCase("ids", "null entries", [null]),
      fieldCase("ids", "a 1 MB id", [MB_STRING], PAYLOAD_TOO_LARGE),
      omitCase("ids"),
    ],
  ],
  [
    R.rename,
    [
      ...FILE_NAME_CASES,
      // The stored file is a checked PNG: its name keeps an extension of its type (issue 23).
      fieldCase("name", "an HTML application", "invoice.hta", UNSUPPORTED_TYPE),
      fieldCase("name", "HTML", "a.html", UNSUPPORTED_TYPE),
      fieldCase("name", "SVG", "a.svg", UNSUPPORTED_TYPE),
      fieldCase("name", "another image type's extension", "a.jpg", UNSUPPORTED_TYPE),
      fieldCase("name", "no extension", "invoice", UNSUPPORTED_TYPE),
      fieldCase("name", "a path traversal without the type's extension", "../../etc/passwd", UNSUPPORTED_TYPE),
    ],
  ],
  [
    R.planPreviews,
    [
      fieldCase("previews", "empty", []),
      fieldCase("previews", "101 previews", Array.from({ length: 101 }, () => ({ fileItemId: randomUUID(), size: 2048, type: "image/webp" }))),
      fieldCase("previews", "an object", { fileItemId: randomUUID(), size: 2048, type: "image/webp" }),
      fieldCase("previews", "a string", "x"),
      fieldCase("previews", "null", null),
      fieldCase("previews", "null entries", [null]),
      fieldCase("previews", "a valid preview next to a malformed one", [{ fileItemId: randomUUID(), size: 2048, type: "image/webp" }, { fileItemId: randomUUID(), size: 0, type: "image/webp" }]),
      omitCase("previews"),
    ],
  ],
  [R.completePreviews, PREVIEW_IDS_CASES],
  [R.failedPreviews, PREVIEW_IDS_CASES],
  [
    R.createLink,
    [
      rawFieldCase("expiresInHours", "0"),
      rawFieldCase("expiresInHours", "721"),
      rawFieldCase("expiresInHours", "-1"),
      rawFieldCase("expiresInHours", "1.5"),
      rawFieldCase("expiresInHours", "1e308"),
      rawFieldCase("expiresInHours", "9007199254740993"),
      rawFieldCase("expiresInHours", '"24"'),
      rawFieldCase("expiresInHours", "null"),
      rawFieldCase("expiresInHours", "[24]"),
      rawFieldCase("maxDownloads", "0"),
      rawFieldCase("maxDownloads", "10001"),
      rawFieldCase("maxDownloads", "-1"),
      rawFieldCase("maxDownloads", "2.5"),
      rawFieldCase("maxDownloads", "1e308"),
      rawFieldCase("maxDownloads", '"5"'),
      rawFieldCase("maxDownloads", "true"),
      fieldCase("maxDownloads", "1 MB", MB_STRING, PAYLOAD_TOO_LARGE),
      fieldCase("maxDownlods", "a misspelt field (would make an unlimited link)", 5),
      fieldCase("expiresAt", "an absolute time instead of hours", "2099-01-01T00:00:00Z"),
    ],
  ],
  [
    R.createToken,
    [
      fieldCase("name", "a number", 7),
      fieldCase("name", "null", null),
      fieldCase("name", "empty", ""),
      fieldCase("name", "blank", "   "),
      fieldCase("name", "101 characters", "n".repeat(101)),
      fieldCase("name", "1 MB", MB_STRING, PAYLOAD_TOO_LARGE),
      fieldCase("name", "a NUL byte", "ci\u0000script"),
      fieldCase("name", "a newline", "ci\nscript"),
      fieldCase("name", "DEL", "ci\u007f"),
      ...HIDDEN_CHARACTER_CASES.map(([label, name]) => fieldCase("name", label, name)),
      omitCase("name"),
    ],
  ],
  [
    R.register,
    [
      fieldCase("email", "a number", 5),
      fieldCase("email", "null", null),
      fieldCase("email", "empty", ""),
      fieldCase("email", "not an address", "not-an-email"),
      fieldCase("email", "a path traversal", "../../etc/passwd"),
      fieldCase("email", "1 MB", `${MB_STRING}@example.test`, PAYLOAD_TOO_LARGE),
      fieldCase("email", "a NUL byte", "a\u0000b@example.test"),
      fieldCase("email", "a newline", "a\nb@example.test"),
      omitCase("email"),
      fieldCase("password", "a number", 12345678),
      fieldCase("password", "null", null),
      fieldCase("password", "7 characters", "passwor"),
      fieldCase("password", "257 characters", "p".repeat(257)),
      fieldCase("password", "1 MB", MB_STRING, PAYLOAD_TOO_LARGE),
      omitCase("password"),
      fieldCase("name", "a number", 5),
      fieldCase("name", "101 characters", "n".repeat(101)),
      fieldCase("name", "1 MB", MB_STRING, PAYLOAD_TOO_LARGE),
      fieldCase("name", "a NUL byte (Postgres text cannot hold it)", "Ada\u0000Lovelace"),
      ...HIDDEN_CHARACTER_CASES.map(([label, name]) => fieldCase("name", label, name)),
    ],
  ],
  [
    R.signParts,
    [
      fieldCase("partNumbers", "empty", []),
      fieldCase("partNumbers", "[0]", [0]),
      fieldCase("partNumbers", "[-1]", [-1]),
      fieldCase("partNumbers", "[10001]", [10_001]),
      rawFieldCase("partNumbers", "[1e308]"),
      rawFieldCase("partNumbers", "[9007199254740993]"),
      rawFieldCase("partNumbers", '["1"]'),
      rawFieldCase("partNumbers", '["NaN"]'),
      rawFieldCase("partNumbers", "[1.5]"),
      rawFieldCase("partNumbers", '"1"'),
      rawFieldCase("partNumbers", "null"),
      rawFieldCase("partNumbers", "{}"),
      fieldCase("partNumbers", "101 numbers", Array.from({ length: 101 }, (_, i) => i + 1)),
      fieldCase("partNumbers", "part 1 twice", [1, 1]),
      omitCase("partNumbers"),
      fieldCase("checksums", "not base64", { "1": "not base64!" }),
      fieldCase("checksums", "a number", { "1": 5 }),
      fieldCase("checksums", "empty", { "1": "" }),
      fieldCase("checksums", "a non-numeric key", { x: "AAAAAA==" }),
      rawFieldCase("checksums", '{"__proto__":"AAAAAA=="}'),
      rawFieldCase("checksums", "[]"),
      rawFieldCase("checksums", "null"),
      rawFieldCase("checksums", '"AAAAAA=="'),
    ],
  ],
  [
    R.partDone,
    [
      fieldCase("etag", "a number", 5),
      fieldCase("etag", "null", null),
      fieldCase("etag", "empty", ""),
      fieldCase("etag", "blank", "   "),
      fieldCase("etag", "201 characters", "e".repeat(201)),
      fieldCase("etag", "1 MB", MB_STRING, PAYLOAD_TOO_LARGE),
      omitCase("etag"),
      fieldCase("checksum", "not base64", "not base64!"),
      fieldCase("checksum", "too short", "AAAA"),
      fieldCase("checksum", "a number", 5),
      fieldCase("checksum", "null", null),
    ],
  ],
  [
    R.partsDone,
    [
      fieldCase("parts", "empty", []),
      fieldCase("parts", "an object", {}),
      fieldCase("parts", "a string", "1"),
      fieldCase("parts", "null", null),
      fieldCase("parts", "1001 reports", Array.from({ length: 1001 }, () => ({ partNumber: 1, etag: '"abc"' }))),
      fieldCase("parts", "part 0", [{ partNumber: 0, etag: '"abc"' }]),
      fieldCase("parts", "part as a string", [{ partNumber: "1", etag: '"abc"' }]),
      rawFieldCase("parts", '[{"partNumber":1e308,"etag":"x"}]'),
      rawFieldCase("parts", '[{"partNumber":9007199254740993,"etag":"x"}]'),
      fieldCase("parts", "part 1.5", [{ partNumber: 1.5, etag: '"abc"' }]),
      fieldCase("parts", "no etag", [{ partNumber: 1 }]),
      fieldCase("parts", "a 1 MB etag", [{ partNumber: 1, etag: MB_STRING }], PAYLOAD_TOO_LARGE),
      fieldCase("parts", "a bad checksum", [{ partNumber: 1, etag: '"abc"', checksum: "nope" }]),
      fieldCase("parts", "null entries", [null]),
      fieldCase("parts", "tuples", [[1, '"abc"']]),
      fieldCase("parts", "part 1 twice", [
        { partNumber: 1, etag: '"abc"' },
        { partNumber: 1, etag: '"def"' },
      ]),
      fieldCase("parts", `part ${PARTS_IN_PLAN + 1}, outside the plan`, [{ partNumber: PARTS_IN_PLAN + 1, etag: '"abc"' }]),
      fieldCase("parts", "a valid part next to a bad one", [
        { partNumber: 1, etag: '"abc"' },
        { partNumber: PARTS_IN_PLAN + 1, etag: '"abc"' },
      ]),
    ],
  ],
];

describe.each(FIELD_CASES.map(([route, cases]) => [route.name, route, cases] as const))("%s with a bad field", (_name, route, cases) => {
  it.each(cases)("refuses %s", async (_label, make, expected) => {
    await refused(() => call(route, { cookie: fx.owner.cookie, rawBody: make(route.body!() as Record<string, unknown>) }), expected);
  });
});

/**
 * Each case made of a valid `entry` and sent as the one item of a batch route's `list`: a
 * malformed entry refuses the request whole (400, or 413 past the body cap); a well-formed one the
 * rules refuse gets its own result, with the status the single route would answer, recording nothing.
 */
function refusesEachBadEntry(route: Route, list: string, entry: () => Record<string, unknown>, cases: BodyCase[]) {
  it.each(cases)("refuses %s", async (_label, make, expected = BAD_REQUEST) => {
    const run = () => call(route, { cookie: fx.owner.cookie, rawBody: `{"${list}":[${make(entry())}]}` });
    if (expected === BAD_REQUEST || expected === PAYLOAD_TOO_LARGE) await refused(run, expected);
    else await expectItemsRefusedUnchanged(userIds(), run, 1, expected);
  });
}

const CREATE_CASES = FIELD_CASES.find(([route]) => route === R.createUpload)![1];

describe("POST /api/uploads/batch with each bad field of POST /api/uploads in its one file", () => {
  refusesEachBadEntry(R.createBatch, "files", uploadBody, CREATE_CASES);
});

/**
 * Each bad field of one preview of POST /api/previews (the body cap is 64 KiB; the preview rules
 * refuse 413 past PREVIEW_MAX_BYTES, 415 for a type previews may not have).
 */
const PREVIEW_ENTRY_CASES: BodyCase[] = [
  rawFieldCase("size", "0"),
  rawFieldCase("size", "-1"),
  rawFieldCase("size", "1.5"),
  rawFieldCase("size", "1e308"),
  rawFieldCase("size", "9007199254740993"),
  rawFieldCase("size", '"2048"'),
  rawFieldCase("size", "null"),
  rawFieldCase("size", "[2048]"),
  omitCase("size"),
  rawFieldCase("size", String(64 * 1024 + 1), TOO_LARGE),
  rawFieldCase("size", String(Number.MAX_SAFE_INTEGER), TOO_LARGE),
  fieldCase("type", "a number", 5),
  fieldCase("type", "null", null),
  fieldCase("type", "empty", ""),
  fieldCase("type", "256 characters", `image/${"w".repeat(250)}`),
  fieldCase("type", "1 MB", MB_STRING, PAYLOAD_TOO_LARGE),
  fieldCase("type", "image/png (not a preview type)", "image/png", UNSUPPORTED_TYPE),
  fieldCase("type", "image/svg+xml", "image/svg+xml", UNSUPPORTED_TYPE),
  fieldCase("type", "text/html", "text/html", UNSUPPORTED_TYPE),
  fieldCase("type", "a wildcard", "image/*", UNSUPPORTED_TYPE),
  fieldCase("type", "a NUL after the type", "image/webp\u0000", UNSUPPORTED_TYPE),
  omitCase("type"),
  fieldCase("fileItemId", "a number", 5),
  fieldCase("fileItemId", "null", null),
  fieldCase("fileItemId", "101 characters", "x".repeat(101)),
  fieldCase("fileItemId", "1 MB", MB_STRING, PAYLOAD_TOO_LARGE),
  omitCase("fileItemId"),
];

describe("POST /api/previews with each bad field in its one preview", () => {
  refusesEachBadEntry(R.planPreviews, "previews", previewEntry, PREVIEW_ENTRY_CASES);
});

/** Files of the owner's that a batch route refuses with 409 as they stand: which, and the code. */
const STILL_ON_THEIR_WAY = { what: "files still on their way", targets: ["pendingPost", "multipart"], code: "conflict" } as const;
const NO_PARTS_YET = { what: "multipart upload with no parts", targets: ["multipart"], code: "upload_incomplete" } as const;

describe.each([
  ["POST /api/previews", (auth: Call, ids: string[]) => () => call(R.planPreviews, { ...auth, rawBody: JSON.stringify({ previews: ids.map((fileItemId) => ({ ...previewEntry(), fileItemId })) }) }), STILL_ON_THEIR_WAY],
  ["POST /api/previews/complete", (auth: Call, ids: string[]) => () => call(R.completePreviews, { ...auth, rawBody: JSON.stringify({ fileItemIds: ids }) }), STILL_ON_THEIR_WAY],
  ["POST /api/previews/failed", (auth: Call, ids: string[]) => () => call(R.failedPreviews, { ...auth, rawBody: JSON.stringify({ fileItemIds: ids }) }), STILL_ON_THEIR_WAY],
  ["POST /api/uploads/batch/complete", (auth: Call, ids: string[]) => () => call(R.completeBatch, { ...auth, rawBody: JSON.stringify({ ids }) }), NO_PARTS_YET],
] as const)("%s with ids that name nothing of the caller's, or the owner's in the wrong state", (_name, batch, wrongState) => {
  it("answers 404 for each bad id, in one batch", async () => {
    const ids = BAD_IDS.map(([, id]) => id()).filter((id) => id.length <= 100);
    await expectItemsRefusedUnchanged(userIds(), batch({ cookie: fx.owner.cookie }, ids), ids.length, { status: 404, code: "not_found" });
  });

  it("answers 404 for each of the owner's files, asked by another user (cookie and token, any case)", async () => {
    const ids = OWNER_FILES.flatMap((target) => [fx[target], fx[target].toUpperCase()]);
    for (const auth of [{ cookie: fx.intruder.cookie }, { bearer: fx.intruderToken.secret }]) {
      await expectItemsRefusedUnchanged(userIds(), batch(auth, ids), ids.length, { status: 404, code: "not_found" });
    }
  });

  it(`answers 409 for the owner's ${wrongState.what}, and 404 for a token id`, async () => {
    const ids = wrongState.targets.map((target) => fx[target]);
    await expectItemsRefusedUnchanged(userIds(), batch({ cookie: fx.owner.cookie }, ids), ids.length, { status: 409, code: wrongState.code });
    await expectItemsRefusedUnchanged(userIds(), batch({ cookie: fx.owner.cookie }, [fx.ownerToken.token.id]), 1, { status: 404, code: "not_found" });
  });
});

describe("POST /api/previews/complete for an uploaded file with no preview planned", () => {
  it("answers 409 conflict, touching nothing", async () => {
    await expectItemsRefusedUnchanged(userIds(), () => call(R.completePreviews, { cookie: fx.owner.cookie }), 1, { status: 409, code: "conflict" });
  });
});

describe("POST /api/uploads and POST /api/uploads/batch with a bad folder path", () => {
  const ruled = FOLDER_PATH_CASES.flatMap(([label, value, , rule]) => (rule ? [[label, value, rule] as const] : []));

  it.each(ruled)("name the field and the rule for %s, creating nothing", async (_label, path, rule) => {
    const file = { ...uploadBody(), path };
    const single = await refused(() => call(R.createUpload, { cookie: fx.owner.cookie, rawBody: JSON.stringify(file) }), BAD_REQUEST);
    expect(single.message).toMatch(/^path: /);
    expect(single.message).toMatch(rule);
    // The bad file is the second of the batch: the whole request is refused, the valid first file too.
    const batch = await refused(() => call(R.createBatch, { cookie: fx.owner.cookie, rawBody: JSON.stringify({ files: [uploadBody(), file] }) }), BAD_REQUEST);
    expect(batch.message).toMatch(/^files\.1\.path: /);
    expect(batch.message).toMatch(rule);
  });
});

// Issue 13: sign-up no longer tells which emails have accounts; a taken email gets a new one's answer.
describe("POST /api/register with an email that exists", () => {
  it.each([
    ["the same email", (email: string) => email],
    ["the same email in capitals", (email: string) => email.toUpperCase()],
    ["the same email with spaces around it", (email: string) => `  ${email}  `],
  ])("answers as for a new email and changes nothing, for %s", async (_label, variant) => {
    const fresh = await call(R.register);
    const before = await snapshot(userIds());
    const body = { email: variant(fx.owner.user.email), password: "password1" };
    const res = await call(R.register, { rawBody: JSON.stringify(body) });
    expect(res.status).toBe(fresh.status);
    expect(await res.json()).toEqual(await fresh.json());
    expect(await snapshot(userIds())).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------

describe(`POST /api/uploads/{id}/parts for parts outside the plan (1..${PARTS_IN_PLAN})`, () => {
  it.each([
    ["a part after the last", { partNumbers: [PARTS_IN_PLAN + 1], checksums: { [PARTS_IN_PLAN + 1]: "AAAAAA==" } }],
    ["part 10000", { partNumbers: [10_000], checksums: { "10000": "AAAAAA==" } }],
    ["no checksums", { partNumbers: [1] }],
    ["a checksum for a part not asked for", { partNumbers: [1], checksums: { "1": "AAAAAA==", "2": "AAAAAA==" } }],
  ])("answers 400 for %s", async (_label, body) => {
    await refused(() => call(R.signParts, { cookie: fx.owner.cookie, rawBody: JSON.stringify(body) }), BAD_REQUEST);
  });
});

describe("POST /api/uploads/{id}/parts/{n}/done with a bad part number in the path", () => {
  it.each(["0", "-1", "10001", String(PARTS_IN_PLAN + 1), "1e308", "9007199254740993", "1.5", "abc", "NaN", "Infinity", "", " ", "..", "1 OR 1=1", "1\u0000"])(
    "answers 400 for n = %j",
    async (n) => {
      await refused(() => call(R.partDone, { cookie: fx.owner.cookie, n }), BAD_REQUEST);
    },
  );
});

// ---------------------------------------------------------------------------------------------

const BAD_IDS: [string, () => string][] = [
  ["an unknown uuid", () => randomUUID()],
  ["..", () => ".."],
  ["%2e%2e", () => "%2e%2e"],
  ["../../etc/passwd", () => "../../etc/passwd"],
  ["..%2f..%2fetc%2fpasswd", () => "..%2f..%2fetc%2fpasswd"],
  ["a uuid followed by ../", () => `${randomUUID()}/../${randomUUID()}`],
  ["10,000 characters", () => "x".repeat(10_000)],
  ["1 MB", () => MB_STRING],
  ["an empty id", () => ""],
  ["a uuid with a trailing newline", () => `${randomUUID()}\n`],
  ["a uuid with a trailing NUL", () => `${randomUUID()}\u0000`],
  ["a SQL injection", () => "' OR '1'='1"],
];

describe.each(routeNames(ID_ROUTES))("%s with an id that names nothing of the owner's", (_name, route) => {
  it.each(BAD_IDS)("answers 404 for %s", async (_label, id) => {
    await refused(() => call(route, { cookie: fx.owner.cookie, id: id() }), { status: 404, code: "not_found" });
  });

  it("answers 404 for an id of the other kind (a file id for a token, a token id for a file)", async () => {
    const id = route.tokenRoute || route.linkRoute ? fx.uploaded : fx.ownerToken.token.id;
    await refused(() => call(route, { cookie: fx.owner.cookie, id }), { status: 404, code: "not_found" });
  });
});

// ---------------------------------------------------------------------------------------------

const OWNER_FILES = ["pendingPost", "multipart", "uploaded"] as const;

describe.each(routeNames(FILE_ID_ROUTES))("%s on the owner's files by another user", (_name, route) => {
  it.each([...OWNER_FILES.flatMap((target) => [[target, "cookie"] as const, [target, "token"] as const]), ["uploaded", "cookie, id in capitals"] as const])(
    "answers 404 for the owner's %s file (intruder's %s)",
    async (target, how) => {
      const id = how === "cookie, id in capitals" ? fx[target].toUpperCase() : fx[target];
      const auth = how === "token" ? { bearer: fx.intruderToken.secret } : { cookie: fx.intruder.cookie };
      await refused(() => call(route, { ...auth, id }), { status: 404, code: "not_found" });
    },
  );
});

describe("DELETE /api/links/{id} on the owner's link by another user", () => {
  it.each([
    ["cookie", () => ({ cookie: fx.intruder.cookie, id: fx.ownerLink.link.id })],
    ["token", () => ({ bearer: fx.intruderToken.secret, id: fx.ownerLink.link.id })],
    ["cookie, id in capitals", () => ({ cookie: fx.intruder.cookie, id: fx.ownerLink.link.id.toUpperCase() })],
  ])("answers 404 (intruder's %s)", async (_label, auth) => {
    await refused(() => call(R.revokeLink, auth()), { status: 404, code: "not_found" });
  });
});

describe("DELETE /api/tokens/{id} on the owner's tokens by another user", () => {
  it.each([
    ["active", () => fx.ownerToken.token.id],
    ["revoked", () => fx.revokedToken.token.id],
    ["active, id in capitals", () => fx.ownerToken.token.id.toUpperCase()],
  ])("answers 404 for the owner's %s token", async (_label, id) => {
    await refused(() => call(R.revokeToken, { cookie: fx.intruder.cookie, id: id() }), { status: 404, code: "not_found" });
  });
});

describe("the owner's own ids in the wrong state", () => {
  it.each<[string, Route, Target, Expected]>([
    ["signing parts of a single-request upload", R.signParts, "pendingPost", { status: 409, code: "conflict" }],
    ["reporting a part of a single-request upload", R.partDone, "pendingPost", { status: 409, code: "conflict" }],
    ["reporting parts of an uploaded file", R.partsDone, "uploaded", { status: 409, code: "conflict" }],
    ["cancelling an uploaded file", R.cancelUpload, "uploaded", { status: 409, code: "conflict" }],
    ["completing a multipart upload with no parts", R.complete, "multipart", { status: 409, code: "upload_incomplete" }],
    ["renaming a pending file", R.rename, "pendingPost", { status: 404, code: "not_found" }],
    ["deleting a pending file", R.deleteFile, "multipart", { status: 404, code: "not_found" }],
    ["downloading a pending file", R.download, "pendingPost", { status: 404, code: "not_found" }],
    ["viewing a pending file", R.view, "pendingPost", { status: 404, code: "not_found" }],
    ["sharing a pending file", R.createLink, "pendingPost", { status: 404, code: "not_found" }],
    ["listing the links of a multipart upload in progress", R.listLinks, "multipart", { status: 404, code: "not_found" }],
  ])("refuses %s", async (_label, route, target, expected) => {
    await refused(() => call(route, { cookie: fx.owner.cookie, id: targetId(target) }), expected);
  });
});

// ---------------------------------------------------------------------------------------------

const cursor = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString("base64url");

const QUERY_CASES: [string, () => Record<string, string>][] = [
  ...["0", "101", "-1", "1e308", "1.5", "NaN", "abc", "9007199254740993", "0x10", " 5", "1,2"].map(
    (limit): [string, () => Record<string, string>] => [`limit=${limit}`, () => ({ limit })],
  ),
  ["sort=foo", () => ({ sort: "foo" })],
  ["sort=DATE", () => ({ sort: "DATE" })],
  ["sort=__proto__", () => ({ sort: "__proto__" })],
  ["order=up", () => ({ order: "up" })],
  ["type=../../etc/passwd", () => ({ type: "../../etc/passwd" })],
  ["type=image", () => ({ type: "image" })],
  ["type=*/*", () => ({ type: "*/*" })],
  ["type with a NUL", () => ({ type: "image/png\u0000" })],
  ["type of 1,000 characters", () => ({ type: `image/${"x".repeat(1000)}` })],
  ["q of 256 characters", () => ({ q: "q".repeat(256) })],
  ["q of 1 MB", () => ({ q: MB_STRING })],
  ["q with a NUL byte", () => ({ q: "a\u0000b" })],
  ["cursor that is not base64url", () => ({ cursor: "not a cursor!" })],
  ["cursor of 3,000 characters", () => ({ cursor: "A".repeat(3000) })],
  ["cursor of base64 garbage", () => ({ cursor: "AAAAAAAA" })],
  ["cursor of JSON null", () => ({ cursor: cursor(null) })],
  ["cursor of a JSON array", () => ({ cursor: cursor([]) })],
  ["cursor with size 1e308", () => ({ sort: "size", cursor: cursor({ s: "size", o: "desc", v: 1e308, id: randomUUID() }) })],
  ["cursor with a negative size", () => ({ sort: "size", cursor: cursor({ s: "size", o: "desc", v: -1, id: randomUUID() }) })],
  ["cursor with February 31st", () => ({ cursor: cursor({ s: "date", o: "desc", v: "2026-02-31T00:00:00Z", id: randomUUID() }) })],
  ["cursor with a NUL in the name", () => ({ sort: "name", cursor: cursor({ s: "name", o: "desc", v: "a\u0000", id: randomUUID() }) })],
  ["cursor with SQL as its id", () => ({ sort: "name", cursor: cursor({ s: "name", o: "desc", v: "a", id: "'; drop table users; --" }) })],
  [
    "cursor made for another sort",
    () => ({ sort: "date", cursor: encodeCursor({ sort: "size", order: "desc", value: 1, id: randomUUID() }) }),
  ],
  [
    "cursor made for another order",
    () => ({ order: "asc", cursor: encodeCursor({ sort: "date", order: "desc", value: "2026-01-01T00:00:00.000000Z", id: randomUUID() }) }),
  ],
];

describe("GET /api/files with a bad query", () => {
  it.each(QUERY_CASES)("answers 400 for %s", async (_label, params) => {
    const query = new URLSearchParams(params()).toString();
    await refused(() => listFilesRoute(jsonRequest(`/api/files?${query}`, { cookie: fx.owner.cookie })), BAD_REQUEST);
  });
});

// ---------------------------------------------------------------------------------------------

describe("GET|POST /api/internal/cleanup (off: CRON_SECRET is unset in tests)", () => {
  it.each([
    ["GET", "no credentials", {}],
    ["GET", "a garbage Bearer", { authorization: "Bearer garbage" }],
    ["POST", "no credentials", {}],
    ["POST", "the owner's API token", { authorization: "Bearer OWNER" }],
    ["POST", "the owner's cookie", { cookie: "OWNER" }],
  ])("%s answers 4xx for %s", async (method, _label, headers: Record<string, string>) => {
    const resolved = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, value.replace("OWNER", name === "cookie" ? fx.owner.cookie : fx.ownerToken.secret)]),
    );
    const handler = method === "GET" ? cleanupGet : cleanupPost;
    await refused(() => handler(jsonRequest("/api/internal/cleanup", { method, headers: resolved })), { status: [401, 404] });
  });
});

// ---------------------------------------------------------------------------------------------

describe("odd names that are valid are display-only", () => {
  it.each([
    ["a path traversal ending in .png", "../../etc/passwd.png"],
    ["a Windows path ending in .png", "..\\..\\Windows\\evil.png"],
    ["unicode and emoji", "фото \u{1F600}.png"],
    ["an emoji ZWJ sequence", "\u{1F469}\u200D\u{1F4BB} notes.png"],
    ["a Persian word with a zero-width non-joiner", "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.png"],
  ])("accepts %s but keeps it out of the key", async (_label, name) => {
    const { user, cookie } = await createTestUser("namer");
    const res = await createUploadRoute(jsonRequest("/api/uploads", { cookie, body: { name, size: 1, type: "image/png" } }));
    expect(res.status).toBe(201);
    const { file } = (await res.json()) as CreateUploadResponse;
    expect(file.name).toBe(name);
    const row = await getFileItemById({ id: file.id, ownerId: user.id });
    expect(row!.key).toBe(`u/${user.id}/${file.id}.png`);
  });
});
