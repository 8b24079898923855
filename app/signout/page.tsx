"use client";

import { signOut } from "next-auth/react";
import { useHydrated } from "@/components/ui/use-hydrated";

export default function SignOutPage() {
  // A click before hydration would do nothing; keep the button off until React has attached it.
  const hydrated = useHydrated();
  return (
    <section>
      <h1>Sign out</h1>
      <button type="button" data-testid="confirm-sign-out" disabled={!hydrated} onClick={() => signOut({ callbackUrl: "/signin" })}>
        Sign out
      </button>
    </section>
  );
}
