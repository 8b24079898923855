"use client";

import { useEffect, useState } from "react";
import { downloadHref } from "@/client/api/library-api";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { formatBytes } from "@/lib/upload-rules";
import { ErrorText } from "@/components/ui/error-text";
import { FolderPath, fullName } from "./file-name";
import { FileTypeIcon, typeFamily } from "./file-type-icon";
import { previewRetryDelay } from "./preview-retry";
import { ShareDialog } from "./share-dialog";
import { showsPreviewPlaceholder } from "./stuck-placeholders";
import { useDeleteFile } from "./use-delete-file";

type Props = {
  file: FileItemJson;
  selected: boolean;
  onSelect: (id: string, selected: boolean) => void;
  onOpen: (id: string) => void;
  /** The preview would not load: its short-lived URL may have expired, so the list is fetched again (preview-retry.ts). */
  onPreviewError: () => void;
};

/**
 * The preview (lazily loaded, in a fixed box so nothing moves when it arrives) or a type icon.
 * A photo or video whose preview is still to come (`previewWanted`) shows a placeholder that turns
 * into the picture when it lands (components/library/landed-previews.ts). An image that fails is
 * not shown broken: the icon stands in while the card waits to try the same URL again
 * (preview-retry.ts), and a new URL from the list is tried at once.
 */
function Thumbnail({ file, onPreviewError }: Pick<Props, "file" | "onPreviewError">) {
  const url = file.previewUrl;
  const [failure, setFailure] = useState<{ url: string; failures: number; waiting: boolean } | null>(null);
  // Failures of an earlier URL do not count against a new one.
  const failed = failure && failure.url === url ? failure : null;
  const waiting = failed?.waiting ?? false;
  const failures = failed?.failures ?? 0;
  useEffect(() => {
    if (!waiting) return;
    const delay = previewRetryDelay(failures);
    if (delay === null) return;
    const timer = setTimeout(() => setFailure((now) => (now && now.url === url && now.failures === failures ? { ...now, waiting: false } : now)), delay);
    return () => clearTimeout(timer);
  }, [url, waiting, failures]);
  if (showsPreviewPlaceholder(file)) {
    return (
      <span className="file-card-placeholder" data-testid="card-preview-pending" title="Preview on its way">
        <FileTypeIcon type={file.type} />
      </span>
    );
  }
  if (!url || waiting) return <FileTypeIcon type={file.type} />;
  return (
    // eslint-disable-next-line @next/next/no-img-element -- a presigned storage URL that changes per listing, not an optimisable asset
    <img
      src={url}
      alt=""
      loading="lazy"
      decoding="async"
      data-testid="card-preview"
      onError={() => {
        setFailure({ url, failures: failures + 1, waiting: true });
        onPreviewError();
      }}
    />
  );
}

/** One file in the grid: open it in the lightbox, select, download, share or delete it. */
export function FileCard({ file, selected, onSelect, onOpen, onPreviewError }: Props) {
  const [sharing, setSharing] = useState(false);
  const { remove, confirmDelete } = useDeleteFile(file);
  const name = fullName(file);
  const family = typeFamily(file.type);
  return (
    <li
      className={selected ? "file-card selected" : "file-card"}
      data-testid="file-card"
      data-file-id={file.id}
      data-name={file.name}
      data-path={file.path ?? undefined}
      data-has-preview={file.previewUrl ? "true" : "false"}
    >
      <button type="button" className="file-card-open" onClick={() => onOpen(file.id)} aria-label={`Open ${name}`} data-testid="card-open">
        <Thumbnail file={file} onPreviewError={onPreviewError} />
        {family === "video" && file.previewUrl && (
          <span className="file-card-badge" aria-hidden="true">
            ▶
          </span>
        )}
      </button>
      <div className="file-card-body">
        <input type="checkbox" aria-label={`Select ${name}`} checked={selected} data-testid="file-select" onChange={(e) => onSelect(file.id, e.target.checked)} />
        <p className="file-card-name">
          {file.path && <FolderPath path={file.path} />}
          <span data-testid="file-name">{file.name}</span>
        </p>
        <p className="file-card-meta muted">
          <span data-testid="file-size" data-bytes={file.size} title={`${file.size.toLocaleString()} bytes`}>
            {formatBytes(file.size)}
          </span>{" "}
          · <span data-testid="file-type">{file.type}</span>
        </p>
      </div>
      <div className="file-card-actions">
        <a href={downloadHref(file.id)} data-testid="download-link" aria-label={`Download ${name}`}>
          Download
        </a>
        <button type="button" className="secondary" onClick={() => setSharing(true)} aria-label={`Share ${name}`} data-testid="share-button">
          Share
        </button>
        <button type="button" className="danger" onClick={confirmDelete} disabled={remove.isPending} aria-label={`Delete ${name}`} data-testid="delete-button">
          {remove.isPending ? "Deleting…" : "Delete"}
        </button>
      </div>
      {sharing && <ShareDialog file={file} onClose={() => setSharing(false)} />}
      {remove.error && (
        <ErrorText testId="row-error">
          Could not delete: {remove.error.message}
        </ErrorText>
      )}
    </li>
  );
}
