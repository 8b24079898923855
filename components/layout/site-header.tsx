import Link from "next/link";
import type { CurrentUser } from "@/server/auth/auth";

/**
 * The layout reads the session once and hands the user down. Links are <Link>s: client-side
 * navigation keeps the root layout, and with it the uploads running (components/upload/upload-manager.tsx).
 */
export function SiteHeader({ user }: { user: CurrentUser | null }) {
  return (
    <header className="site-header">
      <Link href="/" className="brand">
        Uploads
      </Link>
      <nav>
        {user ? (
          <>
            <Link href="/upload" data-testid="upload-link">
              Upload
            </Link>
            <Link href="/files" data-testid="files-link">
              Files
            </Link>
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
