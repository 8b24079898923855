/**
 * The error codes a sign-in can end with, as next-auth passes them to the page (`?error=` or
 * `signIn()`'s `result.error`), and what the page says for each. Shared by the server, which
 * raises them, and the sign-in form, which shows them.
 */
export const SIGN_IN_ERROR = {
  /** A GitHub account whose primary email GitHub has not verified (or that has none). */
  githubEmailUnverified: "GitHubEmailUnverified",
  /** The GitHub email belongs to an email + password account here. */
  githubEmailInUse: "GitHubEmailInUse",
} as const;

/** `rate_limited:<seconds>`: the sign-in was refused before any password check; wait that long. */
const RATE_LIMITED_PREFIX = "rate_limited:";

export function rateLimitedSignInError(retryAfterSeconds: number): string {
  return `${RATE_LIMITED_PREFIX}${Math.max(1, Math.ceil(retryAfterSeconds))}`;
}

/** The wait in seconds a `rate_limited:<seconds>` code carries, or null for any other code. */
export function parseRateLimitedSignInError(code: string | null | undefined): number | null {
  if (!code?.startsWith(RATE_LIMITED_PREFIX)) return null;
  const seconds = Number(code.slice(RATE_LIMITED_PREFIX.length));
  return Number.isInteger(seconds) && seconds > 0 ? seconds : null;
}

/** `busy:<seconds>`: every password-check slot of the server was taken; nothing was checked or counted. */
const BUSY_PREFIX = "busy:";

export function busySignInError(retryAfterSeconds: number): string {
  return `${BUSY_PREFIX}${Math.max(1, Math.ceil(retryAfterSeconds))}`;
}

/** The wait in seconds a `busy:<seconds>` code carries, or null for any other code. */
export function parseBusySignInError(code: string | null | undefined): number | null {
  if (!code?.startsWith(BUSY_PREFIX)) return null;
  const seconds = Number(code.slice(BUSY_PREFIX.length));
  return Number.isInteger(seconds) && seconds > 0 ? seconds : null;
}

export function busyMessage(retryAfterSeconds: number): string {
  return `The server is busy; try again in ${retryAfterSeconds} s.`;
}

export function tooManyAttemptsMessage(retryAfterSeconds: number): string {
  return `Too many attempts; try again in ${retryAfterSeconds} s.`;
}

/** What the page says for a sign-in error code; unknown codes get a generic line, never the raw code. */
export function signInErrorMessage(code: string): string {
  const wait = parseRateLimitedSignInError(code);
  if (wait !== null) return tooManyAttemptsMessage(wait);
  const busy = parseBusySignInError(code);
  if (busy !== null) return busyMessage(busy);
  switch (code) {
    case "CredentialsSignin":
      return "Wrong email or password.";
    case SIGN_IN_ERROR.githubEmailUnverified:
      return "GitHub did not give us a verified primary email for that account. Verify your primary email on GitHub, then try again.";
    case SIGN_IN_ERROR.githubEmailInUse:
      return "An account with this email already exists here with a password. Sign in with your email and password instead.";
    default:
      return "Could not sign in. Please try again.";
  }
}
