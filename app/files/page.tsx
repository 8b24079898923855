import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { FileList } from "@/components/library/file-list";
import { getSessionUser } from "@/server/auth/auth";

export const metadata: Metadata = { title: "Your files · Uploads" };

export default async function FilesPage() {
  const user = await getSessionUser();
  if (!user) redirect("/signin?callbackUrl=/files");
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
