"use client";

import { signIn } from "next-auth/react";
import { useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { ErrorBody } from "@/lib/contracts/errors";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { parseRateLimitedSignInError, signInErrorMessage, tooManyAttemptsMessage } from "@/lib/sign-in-errors";
import { useHydrated } from "@/components/ui/use-hydrated";

/** Sign-up answers alike for a new and a taken email; only the owner's password then signs in. */
const SIGN_UP_SIGN_IN_FAILED = "Could not sign in with these details. If you already have an account, sign in with its password.";

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
        const res = await fetch("/api/register", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email, password, name: String(form.get("name") ?? "") || undefined }),
        });
        if (!res.ok) {
          const body = (await res.json().catch(() => null)) as ErrorBody | null;
          const wait = Number(res.headers.get("retry-after"));
          setError(res.status === 429 && wait > 0 ? tooManyAttemptsMessage(wait) : (body?.error.message ?? "Could not create the account."));
          return;
        }
      }
      let result = await signIn("credentials", { email, password, redirect: false });
      // next-auth answers a stale CSRF cookie with `?csrf=true` and no error; one retry gets a fresh pair.
      if (result?.url?.includes("csrf=true")) result = await signIn("credentials", { email, password, redirect: false });
      if (!result || result.error || result.url?.includes("csrf=true")) {
        const limited = parseRateLimitedSignInError(result?.error) !== null;
        setError(limited || mode === "signin" ? signInErrorMessage(result?.error ?? "CredentialsSignin") : SIGN_UP_SIGN_IN_FAILED);
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
        <p role="alert" className="error" data-testid="form-error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy || !hydrated} data-testid="submit-button">
        {mode === "signup" ? "Create account" : "Sign in"}
      </button>
    </form>
  );
}
