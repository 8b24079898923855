import "server-only";
import { createUser } from "@/db/queries/users";
import { hashPassword } from "@/server/auth/password";

/**
 * Makes an email + password account unless the email is taken, and says nothing about which
 * happened. The password is hashed either way, so both cases take about as long.
 */
export async function signUp({ email, name, password }: { email: string; name: string | null; password: string }): Promise<void> {
  const passwordHash = await hashPassword(password);
  await createUser({ email, name, passwordHash });
}
