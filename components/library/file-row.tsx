"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { downloadHref, renameFile } from "@/client/api/library-api";
import { FILES_QUERY_KEY } from "@/components/query-keys";
import { describeZodError } from "@/lib/contracts/errors";
import { renameFileBodySchema } from "@/lib/contracts/library-schemas";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { checkFileName, formatBytes } from "@/lib/upload-rules";
import { DateTime } from "@/components/ui/date-time";
import { ErrorText } from "@/components/ui/error-text";
import { FolderPath, fullName } from "./file-name";
import { ShareDialog } from "./share-dialog";
import { useDeleteFile } from "./use-delete-file";

function RenameForm({ file, onDone }: { file: FileItemJson; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(file.name);
  const [invalid, setInvalid] = useState<string | null>(null);
  const rename = useMutation({
    mutationFn: (name: string) => renameFile(file.id, name),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: FILES_QUERY_KEY });
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = renameFileBodySchema.safeParse({ name: draft });
    if (!parsed.success) return setInvalid(describeZodError(parsed.error));
    if (parsed.data.name === file.name) return onDone();
    // The server's rule for the new name (its extension must fit the file's type), shown before asking.
    const violation = checkFileName(parsed.data.name, file.type);
    if (violation) return setInvalid(violation.message);
    setInvalid(null);
    rename.mutate(parsed.data.name);
  };
  const message = invalid ?? rename.error?.message ?? null;
  return (
    <form className="rename-form" onSubmit={submit} data-testid="rename-form">
      <input
        aria-label={`New name for ${fullName(file)}`}
        value={draft}
        autoFocus
        maxLength={300}
        data-testid="rename-input"
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") onDone();
        }}
      />
      <button type="submit" disabled={rename.isPending} data-testid="rename-save">
        Save
      </button>
      <button type="button" className="secondary" onClick={onDone} data-testid="rename-cancel">
        Cancel
      </button>
      {message && (
        <ErrorText testId="rename-error">
          {message}
        </ErrorText>
      )}
    </form>
  );
}

type Props = { file: FileItemJson; selected: boolean; onSelect: (id: string, selected: boolean) => void };

/** One file: folder and name (always rendered as text), details, and what can be done with it. */
export function FileRow({ file, selected, onSelect }: Props) {
  const [renaming, setRenaming] = useState(false);
  const [sharing, setSharing] = useState(false);
  const { remove, confirmDelete } = useDeleteFile(file);
  return (
    <tr data-testid="file-row" data-file-id={file.id} data-name={file.name} data-path={file.path ?? undefined} data-status={file.status}>
      <td>
        <input type="checkbox" aria-label={`Select ${fullName(file)}`} checked={selected} data-testid="file-select" onChange={(e) => onSelect(file.id, e.target.checked)} />
      </td>
      <td className="file-name-cell">
        {file.path && <FolderPath path={file.path} />}
        {renaming ? <RenameForm file={file} onDone={() => setRenaming(false)} /> : <span data-testid="file-name">{file.name}</span>}
        {remove.error && (
          <ErrorText testId="row-error">
            Could not delete: {remove.error.message}
          </ErrorText>
        )}
      </td>
      <td data-testid="file-size" data-bytes={file.size} title={`${file.size.toLocaleString()} bytes`}>
        {formatBytes(file.size)}
      </td>
      <td data-testid="file-type">{file.type}</td>
      <td>
        <DateTime at={file.uploadedAt ?? file.createdAt} />
      </td>
      <td data-testid="file-checksum" className="muted checksum" title="Checksum stored by S3 (CRC32; -N marks a multipart composite)">
        {file.checksum ?? "—"}
      </td>
      <td className="file-actions">
        <a href={downloadHref(file.id)} data-testid="download-link" aria-label={`Download ${fullName(file)}`}>
          Download
        </a>
        <button type="button" className="secondary" onClick={() => setRenaming(true)} disabled={renaming} data-testid="rename-button">
          Rename
        </button>
        <button type="button" className="secondary" onClick={() => setSharing(true)} aria-label={`Share ${fullName(file)}`} data-testid="share-button">
          Share
        </button>
        {sharing && <ShareDialog file={file} onClose={() => setSharing(false)} />}
        <button type="button" className="danger" onClick={confirmDelete} disabled={remove.isPending} data-testid="delete-button">
          {remove.isPending ? "Deleting…" : "Delete"}
        </button>
      </td>
    </tr>
  );
}
