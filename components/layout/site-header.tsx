import Link from "next/link";
import { getSessionUser } from "@/server/auth/auth";

export async function SiteHeader() {
  const user = await getSessionUser();
  return (
    <header className="site-header">
      <Link href="/" className="brand">
        Uploads
      </Link>
      <nav>
        {user ? (
          <>
            <Link href="/upload">Upload</Link>
            <Link href="/files">Files</Link>
            <Link href="/settings" data-testid="settings-link">
              Settings
            </Link>
            <span data-testid="signed-in-user" className="muted">
              {user.name ? `${user.name} (${user.email})` : user.email}
            </span>
            <Link href="/signout" data-testid="sign-out-link">
              Sign out
            </Link>
          </>
        ) : (
          <>
            <Link href="/signin">Sign in</Link>
            <Link href="/signup">Sign up</Link>
          </>
        )}
      </nav>
    </header>
  );
}
