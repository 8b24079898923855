import "server-only";
import { createUser } from "@/db/queries/users";
import { hashPassword } from "@/server/auth/password";
import { enforceSignUpLimit } from "./auth-limits";
import { busyError } from "./busy";
import { inHashSlot } from "./hash-slots";

/**
 * Makes an email + password account unless the email is taken, and says nothing about which
 * happened. The password is hashed either way, so both cases take about as long. A free hash
 * slot comes first (503 at once without one), then the address's sign-up budget (429), both
 * before scrypt, which costs 128 MiB and real CPU per call.
 */
export async function signUp({ email, name, password, address }: { email: string; name: string | null; password: string; address: string }): Promise<void> {
  await inHashSlot(async () => {
    await enforceSignUpLimit(address);
    const passwordHash = await hashPassword(password);
    await createUser({ email, name, passwordHash });
  }, busyError);
}
