import type { Metadata } from "next";
import { PasswordChangeForm } from "@/components/account/password-change-form";
import { SignOutEverywhere } from "@/components/account/sign-out-everywhere";
import { TokenSettings } from "@/components/tokens/token-settings";
import { requireUser } from "@/components/auth/require-user";
import { hasPassword } from "@/server/auth/password-change";

export const metadata: Metadata = { title: "Settings · Uploads" };

export default async function SettingsPage() {
  const user = await requireUser("/settings");
  const withPassword = await hasPassword(user.id);
  return (
    <section>
      <h1>Settings</h1>
      <h2>Sessions</h2>
      <p>
        Each browser you sign in with has its own session. Signing out ends this one; signing out everywhere ends every one
        of them, this one too, so a session left open on another device stops working at once. API tokens are not sessions
        and keep working until you revoke them.
      </p>
      <SignOutEverywhere />
      {withPassword && (
        <>
          <h2>Password</h2>
          <p>Changing your password signs out every other session; this one stays signed in.</p>
          <PasswordChangeForm />
        </>
      )}
      <h2>API tokens</h2>
      <p>
        Scripts and other services can call the uploads and files API with a personal token instead of a session. A token
        acts as you, except that it cannot manage tokens; revoke it here the moment you no longer need it.
      </p>
      <TokenSettings />
    </section>
  );
}
