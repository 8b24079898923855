import Link from "next/link";
import { Suspense } from "react";
import { CredentialsForm } from "@/components/auth/credentials-form";

export default function SignInPage() {
  return (
    <section>
      <h1>Sign in</h1>
      <Suspense>
        <CredentialsForm mode="signin" />
      </Suspense>
      <p>
        New here? <Link href="/signup">Create an account</Link>.
      </p>
    </section>
  );
}
