"use client";

import { signOut } from "next-auth/react";
import { hasPendingWork } from "@/client/queue/queue-select";
import { useHydrated } from "@/components/ui/use-hydrated";
import { SignOutChoice } from "@/components/upload/sign-out-choice";
import { useOptionalUploadManager, useQueueState } from "@/components/upload/upload-manager";
import type { UploadManager } from "@/client/queue/upload-manager";

const signOutToSignIn = async () => {
  await signOut({ callbackUrl: "/signin" });
};

function PlainSignOut({ hydrated }: { hydrated: boolean }) {
  // A click before hydration would do nothing; keep the button off until React has attached it.
  return (
    <button type="button" data-testid="confirm-sign-out" disabled={!hydrated} onClick={signOutToSignIn}>
      Sign out
    </button>
  );
}

/** With uploads in progress the person chooses what happens to them; otherwise one button. */
function SignOutWithManager({ manager, hydrated }: { manager: UploadManager; hydrated: boolean }) {
  const state = useQueueState(manager);
  if (!hasPendingWork(state)) return <PlainSignOut hydrated={hydrated} />;
  return <SignOutChoice manager={manager} onSignOut={signOutToSignIn} />;
}

export default function SignOutPage() {
  const hydrated = useHydrated();
  const manager = useOptionalUploadManager();
  return (
    <section>
      <h1>Sign out</h1>
      {manager ? <SignOutWithManager manager={manager} hydrated={hydrated} /> : <PlainSignOut hydrated={hydrated} />}
    </section>
  );
}
