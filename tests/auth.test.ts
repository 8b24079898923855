import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { POST as register } from "@/app/api/register/route";
import { GET as me } from "@/app/api/me/route";
import { getUserByEmail } from "@/db/queries/users";
import { verifyPassword } from "@/server/auth/password";
import { createSignedInUser, jsonRequest } from "../testing/requests";

const email = () => `reg-${randomUUID()}@example.test`;

describe("POST /api/register", () => {
  it("creates the account with a hashed password (202)", async () => {
    const address = email();
    const res = await register(jsonRequest("/api/register", { body: { email: address.toUpperCase(), password: "correct horse", name: "Ada" } }));
    expect(res.status).toBe(202);
    expect((await res.json()).status).toBe("accepted");
    const row = await getUserByEmail({ email: address });
    expect(row).toMatchObject({ email: address, name: "Ada" });
    expect(row?.passwordHash).toMatch(/^scrypt\$/);
    expect(row?.passwordHash).not.toContain("correct horse");
    expect(await verifyPassword("correct horse", row!.passwordHash!)).toBe(true);
    expect(await verifyPassword("wrong horse!", row!.passwordHash!)).toBe(false);
  });

  // Issue 13: a taken email is answered like a new one (it was 409 conflict, which told who has an account).
  it("answers a taken email, in any letter case, as a new one and keeps the first password", async () => {
    const address = email();
    const first = await register(jsonRequest("/api/register", { body: { email: address, password: "password1" } }));
    const again = await register(jsonRequest("/api/register", { body: { email: address.toUpperCase(), password: "password2" } }));
    expect(again.status).toBe(first.status);
    expect(await again.json()).toEqual(await first.json());
    const row = await getUserByEmail({ email: address });
    expect(await verifyPassword("password1", row!.passwordHash!)).toBe(true);
  });

  it.each([
    ["a bad email", { email: "not-an-email", password: "password1" }, "email"],
    ["a 7-character password", { email: "x@example.test", password: "1234567" }, "password"],
    ["a missing password", { email: "x@example.test" }, "password"],
    ["a number as email", { email: 42, password: "password1" }, "email"],
    ["an over-long password", { email: "x@example.test", password: "p".repeat(257) }, "password"],
  ])("answers 400 naming the field for %s", async (_label, body, field) => {
    const res = await register(jsonRequest("/api/register", { body }));
    expect(res.status).toBe(400);
    const json = await res.json();
    expect(json.error.code).toBe("bad_request");
    expect(json.error.message).toMatch(new RegExp(`^${field}:`));
  });

  it("answers 400 for malformed JSON", async () => {
    const res = await register(jsonRequest("/api/register", { rawBody: "{not json" }));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toEqual({ code: "bad_request", message: "body: must be valid JSON" });
  });
});

describe("getCurrentUser via GET /api/me", () => {
  it("answers 401 JSON without a session", async () => {
    const res = await me(jsonRequest("/api/me"));
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
  });

  it("answers 401 for a forged session cookie", async () => {
    const res = await me(jsonRequest("/api/me", { cookie: "next-auth.session-token=eyJhbGciOiJkaXIifQ.forged.token" }));
    expect(res.status).toBe(401);
  });

  it("returns the user for a valid session", async () => {
    const { user, cookie } = await createSignedInUser();
    const res = await me(jsonRequest("/api/me", { cookie }));
    expect(res.status).toBe(200);
    expect((await res.json()).user).toEqual({ id: user.id, email: user.email, name: user.name });
  });
});
