import { describe, expect, it } from "vitest";
import { busySignInError, parseBusySignInError, parseRateLimitedSignInError, rateLimitedSignInError, SIGN_IN_ERROR, signInErrorMessage } from "./sign-in-errors";

describe("sign-in error codes", () => {
  it.each([
    [1, "rate_limited:1"],
    [0, "rate_limited:1"],
    [59.2, "rate_limited:60"],
    [900, "rate_limited:900"],
  ])("encodes a wait of %s s as %s", (seconds, code) => {
    expect(rateLimitedSignInError(seconds)).toBe(code);
    expect(parseRateLimitedSignInError(code)).toBe(Math.max(1, Math.ceil(seconds)));
  });

  it.each([null, undefined, "", "CredentialsSignin", "rate_limited:", "rate_limited:0", "rate_limited:-3", "rate_limited:1.5", "rate_limited:abc"])(
    "reads no wait from %j",
    (code) => {
      expect(parseRateLimitedSignInError(code)).toBeNull();
    },
  );

  it.each([
    [1, "busy:1"],
    [0.2, "busy:1"],
  ])("encodes a busy server's wait of %s s as %s", (seconds, code) => {
    expect(busySignInError(seconds)).toBe(code);
    expect(parseBusySignInError(code)).toBe(1);
    expect(parseRateLimitedSignInError(code)).toBeNull();
  });

  it.each([
    ["busy:3", "The server is busy; try again in 3 s."],
    ["rate_limited:42", "Too many attempts; try again in 42 s."],
    ["CredentialsSignin", "Wrong email or password."],
    [SIGN_IN_ERROR.githubEmailInUse, /already exists here with a password/],
    [SIGN_IN_ERROR.githubEmailUnverified, /verified primary email/],
    ["<script>", "Could not sign in. Please try again."],
  ])("says what %s means", (code, message) => {
    expect(signInErrorMessage(code)).toMatch(message);
  });
});
