import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db";
import { users, type User } from "@/db/schema";

/** Returns null when the email is taken (the unique index decides, so two racing sign-ups can't both win). */
export async function createUser(input: { email: string; name?: string | null; passwordHash: string | null }): Promise<User | null> {
  const db = await getDb();
  const [user] = await db
    .insert(users)
    .values({ email: input.email, name: input.name ?? null, passwordHash: input.passwordHash })
    .onConflictDoNothing({ target: users.email })
    .returning();
  return user ?? null;
}

export async function getUserByEmail({ email }: { email: string }): Promise<User | null> {
  const db = await getDb();
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return user ?? null;
}

export async function getUserById({ id }: { id: string }): Promise<User | null> {
  const db = await getDb();
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user ?? null;
}

/**
 * Replaces the user's password hash while it is still `currentHash` (the one just checked), so of
 * two racing changes only one lands; false when it had changed meanwhile.
 */
export async function replacePasswordHash({ id, currentHash, passwordHash }: { id: string; currentHash: string; passwordHash: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(users)
    .set({ passwordHash })
    .where(and(eq(users.id, id), eq(users.passwordHash, currentHash)))
    .returning({ id: users.id });
  return rows.length > 0;
}
