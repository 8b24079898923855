"use client";

import { useEffect, useId, useRef } from "react";
import { downloadHref, viewHref } from "@/client/api/library-api";
import { inlineMediaKind } from "@/lib/contracts/preview-schemas";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { formatBytes } from "@/lib/upload-rules";
import { FolderPath, fullName } from "./file-name";

/** The lightbox shows what /view serves inline; anything else it offers as a download. */
export const viewerOf = inlineMediaKind;

type Props = {
  files: FileItemJson[];
  index: number;
  onStep: (index: number) => void;
  onClose: () => void;
};

function Viewer({ file }: { file: FileItemJson }) {
  const viewer = viewerOf(file.type);
  // Keyed by file: stepping to the next file starts a fresh element, never a stale frame.
  if (viewer === "image") {
    // eslint-disable-next-line @next/next/no-img-element -- a presigned storage URL behind a redirect, not an optimisable asset
    return <img key={file.id} className="lightbox-media" src={viewHref(file.id)} alt={file.name} data-testid="lightbox-image" />;
  }
  if (viewer === "video") {
    return <video key={file.id} className="lightbox-media" src={viewHref(file.id)} controls playsInline preload="metadata" data-testid="lightbox-video" />;
  }
  return (
    <p className="lightbox-none" data-testid="lightbox-no-viewer">
      {file.type} files can’t be shown here.
    </p>
  );
}

/**
 * One file at a time in a modal <dialog>: the full image, the video with controls, or, for any
 * other type, its details and a Download button. Left/Right step through the files on screen;
 * Escape and Close close it (the caller puts focus back on the file's card).
 */
export function Lightbox({ files, index, onStep, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const file = files[index];
  const count = files.length;
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  // On the document, not the dialog: a Previous/Next button that turns disabled drops focus to the body.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // A video's own controls and text fields use the arrows themselves.
      if (event.target instanceof HTMLMediaElement || event.target instanceof HTMLInputElement) return;
      const next = event.key === "ArrowLeft" ? index - 1 : event.key === "ArrowRight" ? index + 1 : null;
      if (next === null) return;
      event.preventDefault();
      if (next >= 0 && next < count) onStep(next);
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [index, count, onStep]);
  if (!file) return null;

  return (
    <dialog ref={ref} className="lightbox" aria-labelledby={titleId} onClose={onClose} data-testid="lightbox" data-file-id={file.id}>
      <div className="lightbox-head">
        <h2 id={titleId} className="lightbox-title">
          {file.path && <FolderPath path={file.path} />}
          <bdi data-testid="lightbox-name">{file.name}</bdi>
        </h2>
        <span className="muted">
          {formatBytes(file.size)} · {file.type} · {index + 1} of {count}
        </span>
      </div>
      <div className="lightbox-stage">
        <Viewer file={file} />
      </div>
      <div className="lightbox-actions">
        <button type="button" className="secondary" onClick={() => onStep(index - 1)} disabled={index === 0} aria-label="Previous file" data-testid="lightbox-prev">
          ← Previous
        </button>
        <button type="button" className="secondary" onClick={() => onStep(index + 1)} disabled={index === count - 1} aria-label="Next file" data-testid="lightbox-next">
          Next →
        </button>
        <a className="button-like" href={downloadHref(file.id)} aria-label={`Download ${fullName(file)}`} data-testid="lightbox-download">
          Download
        </a>
        <button type="button" onClick={() => ref.current?.close()} autoFocus data-testid="lightbox-close">
          Close
        </button>
      </div>
    </dialog>
  );
}
