import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, type LibraryCursor } from "./library-cursor";

const id = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const dateDesc = { sort: "date", order: "desc" } as const;

describe("library cursor", () => {
  it.each<LibraryCursor>([
    { sort: "date", order: "desc", value: "2026-11-25T13:00:00.123456Z", id },
    { sort: "date", order: "asc", value: "2026-11-25T13:00:00Z", id },
    { sort: "name", order: "asc", value: "résumé 📄 \"quoted\" 100%_x.png", id },
    { sort: "name", order: "desc", value: "", id },
    { sort: "size", order: "desc", value: 0, id },
    { sort: "size", order: "asc", value: Number.MAX_SAFE_INTEGER, id },
  ])("round-trips $sort $order $value", (cursor) => {
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/); // base64url: safe in a query string unescaped
    expect(decodeCursor(encoded, cursor)).toEqual(cursor);
  });

  const raw = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString("base64url");

  it.each([
    ["empty", ""],
    ["not base64url", "abc+/="],
    ["not JSON", Buffer.from("{nope").toString("base64url")],
    ["JSON null", raw(null)],
    ["unknown sort", raw({ s: "owner", o: "desc", v: "x", id })],
    ["bad id", raw({ s: "date", o: "desc", v: "2026-11-25T13:00:00Z", id: "1 or 1=1" })],
    ["uppercase id", raw({ s: "date", o: "desc", v: "2026-11-25T13:00:00Z", id: id.toUpperCase() })],
    ["date that is not a timestamp", raw({ s: "date", o: "desc", v: "yesterday", id })],
    ["impossible date", raw({ s: "date", o: "desc", v: "2026-02-31T00:00:00Z", id })],
    ["seven fractional digits", raw({ s: "date", o: "desc", v: "2026-11-25T13:00:00.1234567Z", id })],
    ["date as a number", raw({ s: "date", o: "desc", v: 5, id })],
  ])("rejects %s", (_label, value) => {
    expect(decodeCursor(value, dateDesc)).toBeNull();
  });

  it.each([
    ["negative size", { s: "size", o: "asc", v: -1, id }, { sort: "size", order: "asc" }],
    ["fractional size", { s: "size", o: "asc", v: 1.5, id }, { sort: "size", order: "asc" }],
    ["size as a string", { s: "size", o: "asc", v: "1", id }, { sort: "size", order: "asc" }],
    ["NUL in a name", { s: "name", o: "asc", v: "a\u0000", id }, { sort: "name", order: "asc" }],
    ["a cursor for another sort", { s: "name", o: "asc", v: "a", id }, { sort: "size", order: "asc" }],
    ["a cursor for the other order", { s: "name", o: "asc", v: "a", id }, { sort: "name", order: "desc" }],
  ] as const)("rejects %s", (_label, payload, expected) => {
    expect(decodeCursor(raw(payload), expected)).toBeNull();
  });
});
