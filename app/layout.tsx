import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/layout/site-header";
import { UploadManagerProvider } from "@/components/upload/upload-manager";
import { UploadTray } from "@/components/upload/upload-tray";
import { getSessionUser } from "@/server/auth/auth";
import { getEnv } from "@/server/env";
import { uploadConnections } from "@/server/storage/clients";
import { uploadSettings } from "@/server/uploads/create";
import { parseAllowedTypes } from "@/lib/upload-rules";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "Uploads",
  description: "Upload files of any size straight from the browser to S3.",
};

// Every page reads the session cookie, so nothing here is static.
export const dynamic = "force-dynamic";

/**
 * The root layout stays mounted through client-side navigation (<Link>), so the upload manager
 * mounted here keeps one queue and one connection pool for the tab while the person moves between
 * pages. Sign-in and sign-out are full page loads, so it is made for the right person.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  const shell = (
    <>
      <SiteHeader user={user} />
      <main>{children}</main>
    </>
  );
  let body = shell;
  if (user) {
    // The same rules the server enforces, so rejected files are never requested.
    const env = getEnv();
    const rules = { allowedTypes: parseAllowedTypes(env.UPLOAD_ALLOWED_TYPES), maxBytes: env.UPLOAD_MAX_BYTES };
    body = (
      <UploadManagerProvider rules={rules} settings={uploadSettings()} connections={uploadConnections()}>
        {shell}
        <UploadTray />
      </UploadManagerProvider>
    );
  }
  return (
    <html lang="en">
      <body>
        <Providers>{body}</Providers>
      </body>
    </html>
  );
}
