import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GET as listRoute } from "@/app/api/files/route";
import { PATCH as patchRoute } from "@/app/api/files/[id]/route";
import { POST as completeRoute } from "@/app/api/uploads/[id]/complete/route";
import { POST as completeBatchRoute } from "@/app/api/uploads/batch/complete/route";
import { POST as createBatchRoute } from "@/app/api/uploads/batch/route";
import { POST as createRoute } from "@/app/api/uploads/route";
import { createFileItem, getFileItemById } from "@/db/queries/file-items";
import type { FileItem } from "@/db/schema";
import { MIB } from "@/lib/units";
import type { LibraryPage } from "@/lib/contracts/library-schemas";
import type { CompleteUploadsResponse, CreateUploadResponse, CreateUploadsResponse, FileItemJson, PostUploadTarget } from "@/lib/contracts/upload-schemas";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { PNG_SIGNATURE, startingWith } from "../testing/file-signatures";
import { withPostForms } from "../testing/store-abilities";

/** Issue 15: a file dropped with its folder keeps the folder's relative path, shown and searched in the library. */

type Body = { name: string; size: number; type: string; path?: string };

const png = (name: string, path?: string, size = 10): Body => ({ name, size, type: "image/png", ...(path === undefined ? {} : { path }) });

async function create(cookie: string, body: Body) {
  const res = await createRoute(jsonRequest("/api/uploads", { cookie, body }));
  expect(res.status).toBe(201);
  return (await res.json()) as CreateUploadResponse & { upload: PostUploadTarget };
}

async function createBatch(cookie: string, files: Body[]) {
  const res = await createBatchRoute(jsonRequest("/api/uploads/batch", { cookie, body: { files } }));
  expect(res.status).toBe(200);
  return ((await res.json()) as CreateUploadsResponse).results.map((result) => {
    expect(result.status).toBe(201);
    return result as CreateUploadResponse & { upload: PostUploadTarget };
  });
}

/** Posts to MinIO the way the browser does: the signed fields first, the file last. */
async function post(upload: PostUploadTarget, size: number) {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", new Blob([startingWith(PNG_SIGNATURE, size, 7)]));
  expect((await fetch(upload.url, { method: "POST", body: form })).status).toBe(204);
}

async function list(cookie: string, params: Record<string, string | number> = {}) {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const res = await listRoute(jsonRequest(`/api/files?${query}`, { cookie }));
  expect(res.status).toBe(200);
  return (await res.json()) as LibraryPage;
}

/** A file item straight in the database, uploaded: search and paging need no bytes. */
function seed(userId: string, name: string, path: string | null, createdAt?: Date): Promise<FileItem> {
  const id = randomUUID();
  return createFileItem({
    id,
    userId,
    name,
    path,
    key: `u/${userId}/${id}.png`,
    size: 1,
    contentType: "image/png",
    status: "uploaded",
    uploadedAt: new Date(),
    ...(createdAt ? { createdAt } : {}),
  });
}

const shown = (files: FileItemJson[]) => files.map((f) => (f.path ? `${f.path}/${f.name}` : f.name));

withPostForms();

describe("creating uploads with a folder path", () => {
  it("POST /api/uploads stores the path (NFC), keeps it out of the key, and the library lists it once uploaded", async () => {
    const { cookie, user } = await createSignedInUser();
    // "Día 1" as macOS spells it (NFD: i + combining acute) is stored as NFC.
    const { file, upload } = await create(cookie, png("beach.png", "Holiday/Di\u0301a 1"));
    expect(file).toMatchObject({ name: "beach.png", path: "Holiday/D\u00eda 1", status: "pending" });
    const row = await getFileItemById({ id: file.id, ownerId: user.id });
    expect(row).toMatchObject({ path: "Holiday/D\u00eda 1", key: `u/${user.id}/${file.id}.png` });
    expect(upload.fields.key).toBe(`staging/${user.id}/${file.id}`);

    const loose = await create(cookie, png("loose.png"));
    expect(loose.file.path).toBeNull();
    expect((await getFileItemById({ id: loose.file.id, ownerId: user.id }))!.path).toBeNull();

    await post(upload, 10);
    const done = await completeRoute(jsonRequest(`/api/uploads/${file.id}/complete`, { method: "POST", cookie }), routeParams({ id: file.id }));
    expect(done.status).toBe(200);
    expect((await done.json()).file).toMatchObject({ id: file.id, status: "uploaded", path: "Holiday/D\u00eda 1" });
    expect((await list(cookie)).files).toEqual([expect.objectContaining({ id: file.id, name: "beach.png", path: "Holiday/D\u00eda 1" })]);
  });

  it("POST /api/uploads starts a multipart upload with its path stored", async () => {
    const { cookie, user } = await createSignedInUser();
    const res = await createRoute(jsonRequest("/api/uploads", { cookie, body: { name: "clip.mp4", size: 200 * MIB, type: "video/mp4", path: "Videos/2026" } }));
    expect(res.status).toBe(201);
    const { file, upload } = (await res.json()) as CreateUploadResponse;
    expect(upload.strategy).toBe("multipart");
    expect(file.path).toBe("Videos/2026");
    expect((await getFileItemById({ id: file.id, ownerId: user.id }))!.path).toBe("Videos/2026");
  });

  it("accepts the longest path the contract allows: 1,024 characters, folder names of 255", async () => {
    const { cookie, user } = await createSignedInUser();
    const path = `${"a".repeat(255)}/${"b".repeat(255)}/${"c".repeat(255)}/${"d".repeat(254)}/e`;
    expect(path).toHaveLength(1024);
    const { file } = await create(cookie, png("deep.png", path));
    expect((await getFileItemById({ id: file.id, ownerId: user.id }))!.path).toBe(path);
  });

  it("POST /api/uploads/batch stores each file's own path (null where absent), and batch complete keeps them", async () => {
    const { cookie, user } = await createSignedInUser();
    const files = [png("a.png", "Holiday/Day 1"), png("b.png"), png("a.png", "Holiday/Day 2"), png("c.png", "Work")];
    const results = await createBatch(cookie, files);
    expect(results.map((r) => r.file.path)).toEqual(["Holiday/Day 1", null, "Holiday/Day 2", "Work"]);
    const rows = await Promise.all(results.map((r) => getFileItemById({ id: r.file.id, ownerId: user.id })));
    expect(rows.map((row) => row!.path)).toEqual(["Holiday/Day 1", null, "Holiday/Day 2", "Work"]);

    for (const result of results) await post(result.upload, 10);
    const res = await completeBatchRoute(jsonRequest("/api/uploads/batch/complete", { cookie, body: { ids: results.map((r) => r.file.id) } }));
    const completed = ((await res.json()) as CompleteUploadsResponse).results;
    expect(completed.map((r) => ("file" in r ? r.file.path : r.error.code))).toEqual(["Holiday/Day 1", null, "Holiday/Day 2", "Work"]);
    expect(shown((await list(cookie, { sort: "name", order: "asc" })).files).sort()).toEqual(
      ["Holiday/Day 1/a.png", "Holiday/Day 2/a.png", "b.png", "Work/c.png"].sort(),
    );
  });

  it("a rename changes the name only; the path stays", async () => {
    const { cookie, user } = await createSignedInUser();
    const item = await seed(user.id, "old.png", "Holiday/Day 1");
    const res = await patchRoute(jsonRequest(`/api/files/${item.id}`, { method: "PATCH", cookie, body: { name: "new.png" } }), routeParams({ id: item.id }));
    expect((await res.json()).file).toMatchObject({ name: "new.png", path: "Holiday/Day 1" });
  });
});

describe("GET /api/files search by folder", () => {
  const LIBRARY: [name: string, path: string | null][] = [
    ["beach.png", "Holiday/Day 1"],
    ["dinner.png", "Holiday/Day 2"],
    ["map.png", "Trips/Holiday planning"],
    ["holiday-card.png", null],
    ["report.png", "Work/2026"],
    ["scan.png", "Work/100% done"],
    ["notes.png", "Work/a_b"],
    ["loose.png", null],
  ];

  it.each([
    ["Holiday", ["Holiday/Day 1/beach.png", "Holiday/Day 2/dinner.png", "Trips/Holiday planning/map.png", "holiday-card.png"]],
    ["day 1", ["Holiday/Day 1/beach.png"]],
    ["Work", ["Work/2026/report.png", "Work/100% done/scan.png", "Work/a_b/notes.png"]],
    ["2026", ["Work/2026/report.png"]],
    // A piece of what the file item shows, across the folder and the name.
    ["Day 2/din", ["Holiday/Day 2/dinner.png"]],
    ["planning/", ["Trips/Holiday planning/map.png"]],
    // Wildcards in a path match literally, as in names.
    ["%", ["Work/100% done/scan.png"]],
    ["a_b", ["Work/a_b/notes.png"]],
    ["/", ["Holiday/Day 1/beach.png", "Holiday/Day 2/dinner.png", "Trips/Holiday planning/map.png", "Work/2026/report.png", "Work/100% done/scan.png", "Work/a_b/notes.png"]],
    ["loose", ["loose.png"]],
    ["Holiday/Day 3", []],
  ])("q=%j finds %j", async (q, expected) => {
    const { user, cookie } = await createSignedInUser();
    const other = await createSignedInUser();
    for (const [name, path] of LIBRARY) await seed(user.id, name, path);
    await seed(other.user.id, "theirs.png", "Holiday/Day 1");
    expect(shown((await list(cookie, { q })).files).sort()).toEqual([...expected].sort());
  });

  it.each([
    ["name", "asc"],
    ["name", "desc"],
    ["date", "desc"],
    ["size", "asc"],
  ] as const)("pages a search by folder (sort=%s order=%s): every match once, in order, nothing else", async (sort, order) => {
    const { user, cookie } = await createSignedInUser();
    // Same names in different folders tie on the name sort, and on date within a minute: the id decides.
    const base = Date.UTC(2026, 0, 1, 12, 0);
    const matches: FileItem[] = [];
    for (let i = 0; i < 7; i++) matches.push(await seed(user.id, `photo-${i % 3}.png`, `Holiday/Day ${i}`, new Date(base + (i % 2) * 60_000)));
    for (let i = 0; i < 5; i++) await seed(user.id, `photo-${i % 3}.png`, `Work/Week ${i}`, new Date(base + i * 60_000));

    const seen: FileItemJson[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(cookie, { q: "holiday", sort, order, limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.files);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);

    expect(pages).toBe(4);
    expect(seen.map((f) => f.id).sort()).toEqual(matches.map((m) => m.id).sort());
    const key = (f: FileItemJson) => (sort === "name" ? f.name.toLowerCase() : sort === "date" ? f.createdAt : f.size);
    const sign = order === "asc" ? 1 : -1;
    const sorted = [...seen].sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
      return (a.id < b.id ? -1 : 1) * sign;
    });
    expect(seen.map((f) => f.id)).toEqual(sorted.map((f) => f.id));
  });
});

describe("the batch body cap holds 100 files at their longest", () => {
  it("accepts 100 files whose names and folder paths are as long as allowed, in 3-byte characters", async () => {
    const { cookie } = await createSignedInUser();
    const folder = Array.from({ length: 4 }, () => "あ".repeat(255)).join("/");
    const files = Array.from({ length: 100 }, (_, i) => png(`${String(i).padStart(3, "0")}${"あ".repeat(248)}.png`, folder, 1));
    expect(new TextEncoder().encode(JSON.stringify({ files })).length).toBeGreaterThan(256 * 1024);
    const res = await createBatchRoute(jsonRequest("/api/uploads/batch", { cookie, body: { files } }));
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as CreateUploadsResponse;
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 100 }, () => 201));
  });
});
