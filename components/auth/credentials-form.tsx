"use client";

import { signIn } from "next-auth/react";
import { useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { register } from "@/client/api/account-api";
import { ApiError } from "@/client/api/api-error";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { parseBusySignInError, parseRateLimitedSignInError, signInErrorMessage, tooManyAttemptsMessage } from "@/lib/sign-in-errors";
import { useHydrated } from "@/components/ui/use-hydrated";
import { ErrorText } from "@/components/ui/error-text";
import { retryWhileBusy } from "./busy-retry";

/** Sign-up answers alike for a new and a taken email; only the owner's password then signs in. */
const SIGN_UP_SIGN_IN_FAILED = "Could not sign in with these details. If you already have an account, sign in with its password.";

/** What the form says when the sign-up itself is refused: the wait of a 429, else the server's message. */
function signUpRefusal(error: unknown): string {
  if (!(error instanceof ApiError)) return "Could not create the account.";
  return error.status === 429 && error.retryAfterSeconds !== null ? tooManyAttemptsMessage(error.retryAfterSeconds) : error.message;
}

/** A sign-up the server refused for being busy (503 with Retry-After): the wait, else null. */
const busySignUpWait = (outcome: { error?: unknown }) =>
  outcome.error instanceof ApiError && outcome.error.status === 503 ? (outcome.error.retryAfterSeconds ?? 1) : null;

/** next-auth's signIn(), with one retry for a stale CSRF cookie (next-auth answers it with `?csrf=true` and no error). */
async function signInOnce(email: string, password: string) {
  const result = await signIn("credentials", { email, password, redirect: false });
  return result?.url?.includes("csrf=true") ? signIn("credentials", { email, password, redirect: false }) : result;
}

/** Sign-in and sign-up share one form; sign-up registers first, then signs in with the same credentials. */
export function CredentialsForm({ mode }: { mode: "signin" | "signup" }) {
  const params = useSearchParams();
  // Errors next-auth sends back to this page (a refused GitHub sign-in, say) arrive as `?error=<code>`.
  const [error, setError] = useState<string | null>(() => {
    const code = params.get("error");
    return code ? signInErrorMessage(code) : null;
  });
  const [busy, setBusy] = useState(false);
  // Until React has hydrated, a submit would be the browser's own: keep the button off until then.
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    try {
      if (mode === "signup") {
        const name = String(form.get("name") ?? "") || undefined;
        const signedUp = await retryWhileBusy(() => register({ email, password, name }).then((): { error?: unknown } => ({}), (error: unknown) => ({ error })), busySignUpWait);
        if (signedUp.error) {
          setError(signUpRefusal(signedUp.error));
          return;
        }
      }
      // A busy server (every password check taken) answers at once; the form waits and asks again.
      const result = await retryWhileBusy(() => signInOnce(email, password), (outcome) => parseBusySignInError(outcome?.error));
      if (!result || result.error || result.url?.includes("csrf=true")) {
        const explained = parseRateLimitedSignInError(result?.error) !== null || parseBusySignInError(result?.error) !== null;
        setError(explained || mode === "signin" ? signInErrorMessage(result?.error ?? "CredentialsSignin") : SIGN_UP_SIGN_IN_FAILED);
        return;
      }
      // Only our own origin, decided by URL parsing: a callbackUrl is user input.
      // A full navigation, so every server component renders with the new session cookie.
      window.location.assign(safeRedirectPath(params.get("callbackUrl"), window.location.origin));
    } finally {
      setBusy(false);
    }
  }

  return (
    // method="post": even a native submit must never put the password in a URL or a log line.
    <form className="card" method="post" onSubmit={onSubmit} data-testid={`${mode}-form`}>
      {mode === "signup" && (
        <label>
          Name (optional)
          <input name="name" autoComplete="name" maxLength={100} data-testid="name-input" />
        </label>
      )}
      <label>
        Email
        <input name="email" type="email" required autoComplete="email" data-testid="email-input" />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          required
          minLength={mode === "signup" ? 8 : 1}
          autoComplete={mode === "signup" ? "new-password" : "current-password"}
          data-testid="password-input"
        />
      </label>
      {error && (
        <ErrorText testId="form-error">
          {error}
        </ErrorText>
      )}
      <button type="submit" disabled={busy || !hydrated} data-testid="submit-button">
        {mode === "signup" ? "Create account" : "Sign in"}
      </button>
    </form>
  );
}
