"use client";

import { signOut } from "next-auth/react";

export default function SignOutPage() {
  return (
    <section>
      <h1>Sign out</h1>
      <button type="button" data-testid="confirm-sign-out" onClick={() => signOut({ callbackUrl: "/signin" })}>
        Sign out
      </button>
    </section>
  );
}
