import type { Metadata } from "next";

export const metadata: Metadata = { title: "Link not available · Uploads", robots: { index: false, follow: false }, referrer: "no-referrer" };

/** The one answer for every share link that does not work: unknown, expired, revoked, used up or its file deleted. */
export default function SharedFileNotFound() {
  return (
    <section data-testid="share-not-found">
      <h1>Link not available</h1>
      <p>This link does not exist or no longer works. Ask the person who shared it for a new one.</p>
    </section>
  );
}
