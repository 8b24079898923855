import type { Metadata } from "next";
import { TokenSettings } from "@/components/tokens/token-settings";
import { requireUser } from "@/components/auth/require-user";

export const metadata: Metadata = { title: "Settings · Uploads" };

export default async function SettingsPage() {
  await requireUser("/settings");
  return (
    <section>
      <h1>Settings</h1>
      <h2>API tokens</h2>
      <p>
        Scripts and other services can call the uploads and files API with a personal token instead of a session. A token
        acts as you, except that it cannot manage tokens; revoke it here the moment you no longer need it.
      </p>
      <TokenSettings />
    </section>
  );
}
