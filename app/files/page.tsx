import type { Metadata } from "next";
import Link from "next/link";
import { FileList } from "@/components/library/file-list";
import { requireUser } from "@/components/auth/require-user";

export const metadata: Metadata = { title: "Your files · Uploads" };

export default async function FilesPage() {
  await requireUser("/files");
  return (
    <section>
      <h1>Your files</h1>
      <p>
        <Link href="/upload">Upload more</Link>
      </p>
      <FileList />
    </section>
  );
}
