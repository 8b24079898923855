import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { UploadQueue } from "@/components/upload/upload-queue";
import { getSessionUser } from "@/server/auth/auth";

export const metadata: Metadata = { title: "Upload files · Uploads" };

export default async function UploadPage() {
  const user = await getSessionUser();
  if (!user) redirect("/signin?callbackUrl=/upload");
  // The queue belongs to the tab's upload manager (root layout), which has the server's rules.
  return (
    <section>
      <h1>Upload files</h1>
      <UploadQueue />
    </section>
  );
}
