import "server-only";
import { redirect } from "next/navigation";
import { getSessionUser, type CurrentUser } from "@/server/auth/auth";

/**
 * The guard of every page that needs a session (server components only): the signed-in person, or
 * a redirect to sign-in that comes back to `callbackPath` (a path of this site, such as "/files").
 */
export async function requireUser(callbackPath: `/${string}`): Promise<CurrentUser> {
  const user = await getSessionUser();
  if (!user) redirect(`/signin?callbackUrl=${callbackPath}`);
  return user;
}
