import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { sharedDownloadHref } from "@/client/api/share-links-api";
import { formatBytes } from "@/lib/upload-rules";
import { viewSharedFile } from "@/server/sharing/share-access";

// The token is the only key to the file: no search engine keeps the page, no Referer carries its URL on.
export const metadata: Metadata = { title: "Shared file · Uploads", robots: { index: false, follow: false }, referrer: "no-referrer" };

type Props = { params: Promise<{ token: string }> };

/** A file someone shared: its name, size and a Download button; no sign-in. Any link that does not work is the same 404. */
export default async function SharedFilePage({ params }: Props) {
  const { token } = await params;
  // Over its address's budget, proxy.ts has answered 429 before this page renders.
  const file = await viewSharedFile(token);
  if (!file) notFound();
  return (
    <section className="card" data-testid="shared-file">
      <h1>Shared file</h1>
      {file.previewUrl && (
        // The server checked these bytes are an image of this type; alt stays empty, the name follows.
        // eslint-disable-next-line @next/next/no-img-element
        <img className="shared-preview" src={file.previewUrl} alt="" data-testid="shared-file-preview" />
      )}
      <p>
        <strong data-testid="shared-file-name">
          <bdi>{file.name}</bdi>
        </strong>
      </p>
      <p className="muted">
        <span data-testid="shared-file-size" data-bytes={file.size}>
          {formatBytes(file.size)}
        </span>{" "}
        · {file.type}
      </p>
      <p>
        <a className="button-like" href={sharedDownloadHref(token)} rel="noreferrer" data-testid="shared-file-download">
          Download
        </a>
      </p>
    </section>
  );
}
