"use client";

import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { endAllSessions } from "@/client/api/account-api";
import { ConfirmButton } from "@/components/ui/confirm-button";

/**
 * Ends every session of the account, this browser's too, then leaves for the sign-in page. A
 * cookie copied from any of them stops working at once; API tokens are not sessions and stay.
 */
export function SignOutEverywhere() {
  const mutation = useMutation({
    mutationFn: endAllSessions,
    // This session ended with the others: next-auth's sign-out clears its cookie.
    onSuccess: () => signOut({ callbackUrl: "/signin" }),
  });
  return (
    <ConfirmButton
      label="Sign out everywhere"
      ariaLabel="Sign out of every browser and device"
      confirmLabel="Sign out everywhere now"
      cancelLabel="Stay signed in"
      pendingLabel="Signing out…"
      testIdPrefix="sign-out-everywhere"
      onConfirm={() => mutation.mutate()}
      pending={mutation.isPending || mutation.isSuccess}
      error={mutation.error}
    />
  );
}
