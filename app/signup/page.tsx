import Link from "next/link";
import { Suspense } from "react";
import { CredentialsForm } from "@/components/auth/credentials-form";

export default function SignUpPage() {
  return (
    <section>
      <h1>Create an account</h1>
      <Suspense>
        <CredentialsForm mode="signup" />
      </Suspense>
      <p>
        Have an account? <Link href="/signin">Sign in</Link>.
      </p>
    </section>
  );
}
