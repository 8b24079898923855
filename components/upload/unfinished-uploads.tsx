"use client";

import { useEffect, useRef, useState } from "react";
import { cancelUpload, getUpload } from "@/client/api/upload-api";
import { fingerprintOf, forgetFingerprint, lastModifiedOf, listResumable, type ResumeRecord } from "@/client/multipart/resume-store";
import { formatBytes } from "@/lib/upload-rules";
import { ErrorText } from "@/components/ui/error-text";

type Unfinished = { record: ResumeRecord; storedBytes: number };

/**
 * The multipart uploads this browser left unfinished (a reload, a closed tab), still pending on
 * the server. A browser cannot reopen a file by itself, so each asks for the same file to be
 * picked again, which resumes it; or discards it. Resume records of the person's own uploads that are
 * no longer pending are forgotten here.
 */
async function loadUnfinished(): Promise<Unfinished[]> {
  const found = await Promise.all(
    (await listResumable()).map(async (record): Promise<Unfinished | null> => {
      try {
        const { file, parts } = await getUpload(record.fileId);
        if (file.status === "pending") return { record, storedBytes: parts.reduce((sum, part) => sum + part.size, 0) };
        // Ours and finished (uploaded, cancelled, cleaned up): nothing left to resume.
        await forgetFingerprint(record.fingerprint);
      } catch {
        // A 404 may be another account's upload in this browser: not shown, but kept for them.
        // Offline or a 5xx: kept for the next visit.
      }
      return null;
    }),
  );
  return found.filter((entry): entry is Unfinished => entry !== null).sort((a, b) => b.record.savedAt - a.record.savedAt);
}

function UnfinishedRow({ entry, onFiles, onDiscarded }: { entry: Unfinished; onFiles: (files: File[]) => void; onDiscarded: () => void }) {
  const { record, storedBytes } = entry;
  const inputRef = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [discarding, setDiscarding] = useState(false);
  const percent = record.size === 0 ? 0 : Math.floor((storedBytes / record.size) * 100);
  const modified = lastModifiedOf(record);

  const pick = (files: FileList | null) => {
    const file = files?.[0];
    if (inputRef.current) inputRef.current.value = "";
    if (!file) return;
    if (fingerprintOf(file) !== record.fingerprint) {
      const when = modified === null ? "" : `, modified ${new Date(modified).toLocaleString()}`;
      setMessage(`That is a different file. Pick ${record.name} (${formatBytes(record.size)}${when}) to resume it.`);
      return;
    }
    setMessage(null);
    onFiles([file]);
  };

  const discard = async () => {
    setDiscarding(true);
    try {
      await cancelUpload(record.fileId);
      await forgetFingerprint(record.fingerprint);
      onDiscarded();
    } catch {
      setMessage("Could not discard it now. Try again in a moment.");
      setDiscarding(false);
    }
  };

  return (
    <li className="unfinished-row" data-testid="unfinished-row" data-name={record.name}>
      <span>
        <strong>{record.name}</strong>{" "}
        <span className="muted" data-testid="unfinished-progress">
          {percent}% of {formatBytes(record.size)} sent
        </span>
      </span>
      <span className="queue-row-actions">
        <button type="button" data-testid="unfinished-resume-button" onClick={() => inputRef.current?.click()}>
          Pick the file to resume
        </button>
        <button type="button" className="secondary" data-testid="unfinished-discard-button" disabled={discarding} onClick={discard}>
          Discard
        </button>
      </span>
      <input
        ref={inputRef}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        aria-label={`Pick ${record.name} to resume it`}
        data-testid="unfinished-file-input"
        onChange={(event) => pick(event.target.files)}
      />
      {message && (
        <ErrorText testId="unfinished-message">
          {message}
        </ErrorText>
      )}
    </li>
  );
}

/**
 * `queued` holds `name|size` of the files in the queue now, whose rows are hidden here (the queue
 * shows them); `refreshKey` changes when an upload finishes, so the list is read again.
 */
export function UnfinishedUploads({ queued, refreshKey, onFiles }: { queued: ReadonlySet<string>; refreshKey: number; onFiles: (files: File[]) => void }) {
  const [entries, setEntries] = useState<Unfinished[]>([]);
  const [reloads, setReloads] = useState(0);
  // Read again as uploads finish only while something is listed: a queue of 1,000 small files
  // should not cost an IndexedDB read per render.
  const finishedKey = entries.length > 0 ? refreshKey : 0;

  useEffect(() => {
    let current = true;
    void loadUnfinished().then((found) => {
      if (current) setEntries(found);
    });
    return () => {
      current = false;
    };
  }, [finishedKey, reloads]);

  const shown = entries.filter(({ record }) => !queued.has(`${record.name}|${record.size}`));
  if (shown.length === 0) return null;
  return (
    <section className="unfinished" data-testid="unfinished-uploads" aria-labelledby="unfinished-heading">
      <h2 id="unfinished-heading">Unfinished uploads</h2>
      <p className="muted">These stopped before they finished. Pick the same file again to carry on where it stopped.</p>
      <ul className="queue-list">
        {shown.map((entry) => (
          <UnfinishedRow key={entry.record.fingerprint} entry={entry} onFiles={onFiles} onDiscarded={() => setReloads((n) => n + 1)} />
        ))}
      </ul>
    </section>
  );
}
