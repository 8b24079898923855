import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { UploadQueue } from "@/components/upload/upload-queue";
import { getSessionUser } from "@/server/auth/auth";
import { getEnv } from "@/lib/env";
import { parseAllowedTypes } from "@/lib/upload-rules";

export const metadata: Metadata = { title: "Upload files · Uploads" };

export default async function UploadPage() {
  const user = await getSessionUser();
  if (!user) redirect("/signin?callbackUrl=/upload");
  // The same rules the server enforces, so rejected files are never requested.
  const env = getEnv();
  const rules = { allowedTypes: parseAllowedTypes(env.UPLOAD_ALLOWED_TYPES), maxBytes: env.UPLOAD_MAX_BYTES };
  return (
    <section>
      <h1>Upload files</h1>
      <UploadQueue rules={rules} connections={env.UPLOAD_CONNECTIONS} />
    </section>
  );
}
