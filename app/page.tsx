import Link from "next/link";
import { getSessionUser } from "@/server/auth/auth";

export default async function HomePage() {
  const user = await getSessionUser();
  return (
    <section>
      <h1>Upload files straight to S3</h1>
      <p>
        Files go from your browser directly to the bucket; the server only signs each upload and records it
        once S3 confirms it.
      </p>
      {user ? (
        <p>
          <Link href="/upload">Upload files</Link> or see <Link href="/files">your files</Link>.
        </p>
      ) : (
        <p>
          <Link href="/signup">Create an account</Link> or <Link href="/signin">sign in</Link> to start.
        </p>
      )}
    </section>
  );
}
