import { randomUUID } from "node:crypto";
import { ListMultipartUploadsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { sql } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { expect } from "vitest";
import { getDb } from "@/db";
import { createUser } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { ERROR_STATUS } from "@/lib/contracts/errors";
import { sessionCookieFor } from "../testing/requests";
import { testS3 } from "../testing/s3-direct";

/** One client for every listing: a fresh client per call costs a new connection each time. */
let s3: ReturnType<typeof testS3> | undefined;
const bucketClient = () => (s3 ??= testS3());

/** Every account this file creates lives under one per-run domain, so counts ignore other files. */
export const EMAIL_DOMAIN = `bad-input-${randomUUID().slice(0, 8)}.test`;

export const freshEmail = (label = "user") => `${label}-${randomUUID()}@${EMAIL_DOMAIN}`;

/** A next-auth session JWT as the cookie carries it; `maxAge` < 0 makes it already expired. */
export async function sessionJwt(claims: Record<string, unknown>, options: { secret?: string; maxAge?: number } = {}): Promise<string> {
  return encode({ token: claims, secret: options.secret ?? process.env.AUTH_SECRET!, maxAge: options.maxAge });
}

export const sessionCookie = (jwt: string) => `next-auth.session-token=${jwt}`;

export async function createTestUser(label: string): Promise<{ user: User; cookie: string }> {
  const email = freshEmail(label);
  const user = await createUser({ email, name: label, passwordHash: null });
  if (!user) throw new Error("test user already exists");
  return { user, cookie: await sessionCookieFor(user) };
}

/**
 * Everything a request could have changed for the given users: their rows in users, file_items,
 * file_parts, api_tokens and share_links (every column, so an UPDATE shows up as well as an INSERT or DELETE),
 * and their objects and open multipart uploads in the bucket. Left out: `last_used_at` on tokens
 * (a valid token records its use even when the request it authenticates is then refused) and
 * rate_limits (docs/api.md counts "1 per request" on the signing routes).
 */
export type Snapshot = {
  counts: { users: number; fileItems: number; fileParts: number; apiTokens: number; shareLinks: number; objects: number; multipartUploads: number };
  users: unknown[];
  fileItems: unknown[];
  fileParts: unknown[];
  apiTokens: unknown[];
  shareLinks: unknown[];
  objects: string[];
  multipartUploads: string[];
};

async function listKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await bucketClient().send(new ListObjectsV2Command({ Bucket: process.env.S3_BUCKET, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) keys.push(`${object.Key}@${object.Size}@${object.ETag}`);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Multipart uploads still open for `key` (MinIO lists them by exact key, not by prefix). */
async function listUploads(key: string): Promise<string[]> {
  const uploads: string[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await bucketClient().send(
      new ListMultipartUploadsCommand({ Bucket: process.env.S3_BUCKET, Prefix: key, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
    );
    for (const upload of page.Uploads ?? []) uploads.push(`${upload.Key}@${upload.UploadId}`);
    if (!page.IsTruncated) return uploads;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

type Rows = { users: unknown[]; fileItems: { key: string; upload_id: string | null }[]; fileParts: unknown[]; apiTokens: unknown[]; shareLinks: unknown[] };

/**
 * Every row of the given users in one round trip (as JSON, every column, so an UPDATE shows up
 * as well as an INSERT or DELETE).
 */
async function readRows(userIds: string[]): Promise<Rows> {
  const db = await getDb();
  const ids = sql.join(userIds.map((id) => sql`${id}::uuid`), sql`, `);
  const result = await db.execute(sql`
    select
      (select coalesce(json_agg(u order by u.id), '[]') from users u where u.email like ${`%@${EMAIL_DOMAIN}`}) as users,
      (select coalesce(json_agg(f order by f.id), '[]') from file_items f where f.user_id in (${ids})) as "fileItems",
      (select coalesce(json_agg(p order by p.file_id, p.part_number), '[]')
         from file_parts p join file_items f on f.id = p.file_id where f.user_id in (${ids})) as "fileParts",
      (select coalesce(json_agg(to_jsonb(t) - 'last_used_at' order by t.id), '[]') from api_tokens t where t.user_id in (${ids})) as "apiTokens",
      (select coalesce(json_agg(s order by s.id), '[]') from share_links s where s.user_id in (${ids})) as "shareLinks"
  `);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Rows[];
  return rows[0]!;
}

/** Keys of open multipart uploads seen so far, listed alongside the rows to save a round trip. */
const knownMultipartKeys = new Set<string>();

const listAllUploads = (keys: Iterable<string>) => Promise.all([...keys].map(listUploads)).then((lists) => lists.flat());

export async function snapshot(userIds: string[]): Promise<Snapshot> {
  const known = [...knownMultipartKeys];
  const [rows, objectLists, knownUploads] = await Promise.all([
    readRows(userIds),
    // Final keys and the staging keys POST forms write to.
    Promise.all(userIds.flatMap((id) => [listKeys(`u/${id}/`), listKeys(`staging/${id}/`)])),
    listAllUploads(known),
  ]);
  const newKeys = rows.fileItems.filter((item) => item.upload_id && !knownMultipartKeys.has(item.key)).map((item) => item.key);
  for (const key of newKeys) knownMultipartKeys.add(key);
  const objects = objectLists.flat().sort();
  const multipartUploads = [...knownUploads, ...(await listAllUploads(newKeys))].sort();
  return {
    counts: {
      users: rows.users.length,
      fileItems: rows.fileItems.length,
      fileParts: rows.fileParts.length,
      apiTokens: rows.apiTokens.length,
      shareLinks: rows.shareLinks.length,
      objects: objects.length,
      multipartUploads: multipartUploads.length,
    },
    ...rows,
    objects,
    multipartUploads,
  };
}

/** Words that only SQL, the database driver or S3 would put in a message. */
const LEAKS =
  /\b(select|insert into|update \S+ set|delete from|where|violates|constraint|duplicate key|invalid input syntax|syntax error|relation|postgres|drizzle|ECONNREFUSED|stack)\b|<Error>|<Code>|AccessDenied|NoSuchKey|NoSuchUpload|NoSuchBucket|InvalidPart|SignatureDoesNotMatch|\bat \S+ \(/i;

/**
 * The one shape every refusal has: a 4xx JSON `{ error: { code, message } }` whose code maps to
 * that status and whose message is short, non-empty and free of SQL or S3 text.
 */
export async function expectClientError(res: Response): Promise<{ status: number; code: string; message: string }> {
  const text = await res.text();
  const context = `${res.status} ${text.slice(0, 300)}`;
  expect(res.status, context).toBeGreaterThanOrEqual(400);
  expect(res.status, context).toBeLessThan(500);
  expect(res.headers.get("content-type") ?? "", context).toMatch(/^application\/json\b/);
  const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(body), context).toEqual(["error"]);
  const { code, message } = body.error ?? {};
  expect(typeof code, context).toBe("string");
  expect(typeof message, context).toBe("string");
  expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS], context).toBe(res.status);
  expect((message as string).trim().length, context).toBeGreaterThan(0);
  expect((message as string).length, context).toBeLessThan(500);
  expect(message as string, context).not.toMatch(LEAKS);
  return { status: res.status, code: code as string, message: message as string };
}

export type Expected = { status?: number | number[]; code?: string | string[] };

const asList = <T>(value: T | T[] | undefined): T[] | undefined => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);

function expectMatches(error: { status: number; code: string; message: string }, expected: Expected) {
  const statuses = asList(expected.status);
  const codes = asList(expected.code);
  if (statuses) expect.soft(statuses, `status ${error.status} (${error.code}: ${error.message})`).toContain(error.status);
  if (codes) expect.soft(codes, `code ${error.code} (${error.message})`).toContain(error.code);
}

/** Runs a request that must be refused: the clear 4xx shape, and nothing changed for `userIds`. */
export async function expectRefusedUnchanged(userIds: string[], run: () => Promise<Response>, expected: Expected = {}) {
  const before = await snapshot(userIds);
  const error = await expectClientError(await run());
  expectMatches(error, expected);
  expect(await snapshot(userIds)).toEqual(before);
  return error;
}

/**
 * A batch request whose every item must be refused: `200 { results }` with one result per item,
 * each the same clear 4xx shape as a single request's answer (status inside), and nothing changed.
 */
export async function expectItemsRefusedUnchanged(userIds: string[], run: () => Promise<Response>, items: number, expected: Expected = {}) {
  const before = await snapshot(userIds);
  const res = await run();
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(200);
  const { results } = JSON.parse(text) as { results: Array<{ status: number } & Record<string, unknown>> };
  expect(results).toHaveLength(items);
  // A preview batch names each result's file item (`fileItemId`, as sent) beside the error.
  for (const { status, fileItemId, ...body } of results) {
    if (fileItemId !== undefined) expect(typeof fileItemId).toBe("string");
    const error = await expectClientError(Response.json(body, { status }));
    expectMatches(error, expected);
  }
  expect(await snapshot(userIds)).toEqual(before);
}
