import { randomUUID } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "./driver";
import { fileItems, users } from "./schema";

// The same schema and migrations must work on both drivers the app ships with.
const drivers: Array<[string, () => Promise<DatabaseHandle>]> = [
  ["pglite", () => openDatabase({ pgliteDir: "memory://" })],
  ["postgres", () => openDatabase({ url: process.env.DATABASE_URL! })],
];

describe.each(drivers)("schema on %s", (_name, open) => {
  const handles: DatabaseHandle[] = [];
  afterAll(async () => Promise.all(handles.map((h) => h.close())));

  it("migrates, enforces unique emails and keys, and lists newest first", async () => {
    const handle = await open();
    handles.push(handle);
    await handle.migrate();
    const { db } = handle;
    const email = `${randomUUID()}@example.test`;
    const [user] = await db.insert(users).values({ email, passwordHash: null }).returning();
    await expect(db.insert(users).values({ email, passwordHash: null })).rejects.toThrow();

    const big = 5 * 1024 ** 4; // 5 TiB needs bigint
    const first = { userId: user!.id, name: "a.png", key: `u/${randomUUID()}`, size: big, contentType: "image/png" };
    await db.insert(fileItems).values({ ...first, createdAt: new Date(Date.now() - 1000) });
    await db.insert(fileItems).values({ ...first, name: "b.png", key: `u/${randomUUID()}` });
    await expect(db.insert(fileItems).values(first)).rejects.toThrow();

    const rows = await db.select().from(fileItems).where(eq(fileItems.userId, user!.id)).orderBy(desc(fileItems.createdAt));
    expect(rows.map((r) => r.name)).toEqual(["b.png", "a.png"]);
    expect(rows[0]).toMatchObject({ size: big, status: "pending", strategy: "post" });
    expect(rows[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
