import "server-only";
import { getUserById, replacePasswordHash } from "@/db/queries/users";
import type { ChangePasswordBody } from "@/lib/contracts/auth-schemas";
import { AppError } from "@/server/http/app-error";
import { busyError } from "./busy";
import { checkPassword } from "./credentials";
import { inHashSlot } from "./hash-slots";
import { hashPassword } from "./password";
import { endOtherSessions } from "./sessions";

/**
 * POST /api/me/password: the current password is checked as a sign-in is (the same limits, so a
 * stolen session can't guess it faster than a stranger could), the new one replaces it, and every
 * other session of the user ends, the caller's own staying. API tokens are not sessions and stay.
 * One hash slot covers both scrypt runs (503 at once without one).
 */
export async function changePassword(input: { userId: string; sessionId: string | null; body: ChangePasswordBody; headers: Headers }): Promise<{ endedSessions: number }> {
  return inHashSlot(async () => {
    const user = await getUserById({ id: input.userId });
    if (!user) throw new AppError("unauthorized");
    if (!user.passwordHash) throw new AppError("conflict", "This account signs in with GitHub and has no password to change.");
    const check = await checkPassword({ email: user.email, password: input.body.currentPassword, headers: input.headers });
    if (check.outcome === "limited") {
      throw new AppError("rate_limited", `Too many wrong passwords; try again in ${check.retryAfterSeconds} s.`, {
        headers: { "Retry-After": String(check.retryAfterSeconds) },
      });
    }
    if (check.outcome === "wrong") throw new AppError("forbidden", "currentPassword: is not your password.");
    const passwordHash = await hashPassword(input.body.newPassword);
    if (!(await replacePasswordHash({ id: user.id, currentHash: user.passwordHash, passwordHash }))) {
      throw new AppError("conflict", "Your password was changed by another request meanwhile; sign in again.");
    }
    return { endedSessions: await endOtherSessions(user.id, input.sessionId) };
  }, busyError);
}

/** Whether the account signs in with a password (else only GitHub): the settings page offers a change only then. */
export async function hasPassword(userId: string): Promise<boolean> {
  return Boolean((await getUserById({ id: userId }))?.passwordHash);
}
