import { registerBodySchema } from "@/lib/contracts/auth-schemas";
import { requestAddress } from "@/server/auth/auth-limits";
import { signUp } from "@/server/auth/sign-up";
import { route } from "@/server/http/route";

/** The one answer for a new and a taken email alike, so the route can't be used to find accounts. */
const SIGN_UP_ACCEPTED = {
  status: "accepted",
  message: "If this email was free, the account now exists; sign in with it to continue.",
} as const;

// POST /api/register - create an email + password account
// No session yet, but "public" still applies the cross-site rule: another site must not create accounts here.
export const POST = route({ name: "POST /api/register", auth: "public", body: registerBodySchema }, async ({ req, body }) => {
  // A hash slot and the per-address limit come before scrypt, which costs 128 MiB and real CPU per call.
  await signUp({ email: body.email, name: body.name || null, password: body.password, address: requestAddress(req.headers) });
  return Response.json(SIGN_UP_ACCEPTED, { status: 202 });
});
