"use client";

import { useEffect, useId, useRef } from "react";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { ShareLinkForm } from "./share-link-form";
import { ShareLinkList } from "./share-link-list";

/**
 * A modal dialog for one file's share links: make one (expiry, optional limit), copy its URL, see
 * the others' use and revoke them. The native <dialog> keeps focus inside and closes on Escape.
 */
export function ShareDialog({ file, onClose }: { file: FileItemJson; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // Opened once mounted; unmounting removes it from the page (and the top layer) without a close event.
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} data-testid="share-dialog" style={{ maxWidth: "min(48rem, 95vw)" }}>
      <h2 id={titleId}>
        Share <bdi>{file.name}</bdi>
      </h2>
      <p className="muted">Anyone with a link can download this file without signing in, until the link expires, runs out of downloads or is revoked.</p>
      <ShareLinkForm fileId={file.id} />
      <h3>Links</h3>
      <ShareLinkList fileId={file.id} fileName={file.name} />
      <p>
        <button type="button" className="secondary" onClick={() => ref.current?.close()} data-testid="share-close">
          Close
        </button>
      </p>
    </dialog>
  );
}
