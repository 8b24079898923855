import type { Metadata } from "next";
import { UploadQueue } from "@/components/upload/upload-queue";
import { requireUser } from "@/components/auth/require-user";

export const metadata: Metadata = { title: "Upload files · Uploads" };

export default async function UploadPage() {
  await requireUser("/upload");
  // The queue belongs to the tab's upload manager (root layout), which has the server's rules.
  return (
    <section>
      <h1>Upload files</h1>
      <UploadQueue />
    </section>
  );
}
