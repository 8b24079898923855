import { afterEach, describe, expect, it, vi } from "vitest";
import { SIGN_IN_ERROR } from "@/lib/sign-in-errors";
import { decideGitHubLink, verifiedPrimaryEmail } from "./github-account";
import { gitHubProvider } from "./github";

const emails = (...list: { email: string; primary: boolean; verified: boolean }[]) => list;

describe("verifiedPrimaryEmail (regression: an unverified GitHub email took over the account with that address)", () => {
  it.each([
    ["a verified primary", emails({ email: "Ada@Example.com", primary: true, verified: true }), "ada@example.com"],
    [
      "the verified primary among others",
      emails({ email: "old@example.com", primary: false, verified: true }, { email: "ada@example.com", primary: true, verified: true }),
      "ada@example.com",
    ],
    ["an unverified primary", emails({ email: "victim@example.com", primary: true, verified: false }), null],
    ["only a verified non-primary", emails({ email: "other@example.com", primary: false, verified: true }), null],
    ["no emails", [], null],
    ["not a list (API error body)", { message: "Bad credentials" }, null],
    ["no answer", null, null],
    ["a primary that is not an email", emails({ email: "noreply", primary: true, verified: true }), null],
  ])("%s", (_label, input, expected) => {
    expect(verifiedPrimaryEmail(input)).toBe(expected);
  });
});

describe("decideGitHubLink", () => {
  it.each([
    ["a new user", "new@example.com", null, { kind: "create", email: "new@example.com" }],
    ["an earlier GitHub sign-in (no password)", "ada@example.com", { id: "u1", passwordHash: null }, { kind: "existing", userId: "u1" }],
    ["an existing password account", "ada@example.com", { id: "u1", passwordHash: "scrypt$..." }, { kind: "refuse", error: SIGN_IN_ERROR.githubEmailInUse }],
    ["no verified email", null, null, { kind: "refuse", error: SIGN_IN_ERROR.githubEmailUnverified }],
    ["no verified email, even when a row exists", null, { id: "u1", passwordHash: null }, { kind: "refuse", error: SIGN_IN_ERROR.githubEmailUnverified }],
  ])("%s", (_label, email, existing, expected) => {
    expect(decideGitHubLink(email, existing)).toEqual(expected);
  });
});

describe("gitHubProvider's profile request", () => {
  afterEach(() => vi.unstubAllGlobals());

  type Request = (ctx: { client: { userinfo: (token: string) => Promise<unknown> }; tokens: { access_token: string } }) => Promise<{ email?: string }>;
  const request = () => (gitHubProvider("id", "secret").options as unknown as { userinfo: { request: Request } }).userinfo.request;
  const client = { userinfo: async () => ({ id: 1, login: "ada", email: "public@example.com" }) };

  it.each([
    ["the verified primary, not the public profile email", true, emails({ email: "ada@example.com", primary: true, verified: true }), "ada@example.com"],
    ["no email when the primary is unverified", true, emails({ email: "ada@example.com", primary: true, verified: false }), undefined],
    ["no email when /user/emails fails", false, { message: "Forbidden" }, undefined],
  ])("takes %s", async (_label, ok, answer, expected) => {
    const fetch = vi.fn(async () => new Response(JSON.stringify(answer), { status: ok ? 200 : 403 }));
    vi.stubGlobal("fetch", fetch);
    const profile = await request()({ client, tokens: { access_token: "gho_token" } });
    expect(profile.email).toBe(expected);
    expect(fetch).toHaveBeenCalledWith("https://api.github.com/user/emails", expect.objectContaining({ headers: expect.objectContaining({ Authorization: "Bearer gho_token" }) }));
  });
});
