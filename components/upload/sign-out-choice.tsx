"use client";

import Link from "next/link";
import { useState } from "react";
import { itemPercent } from "@/client/queue/upload-progress";
import type { QueueItem } from "@/client/queue/upload-queue";
import type { UploadManager } from "@/client/queue/upload-manager";
import { ErrorText } from "@/components/ui/error-text";
import { useQueueState } from "./upload-manager";

/** Rows listed by name; a queue of 2,000 is summed up after these. */
const LISTED = 20;
const IN_PROGRESS = new Set(["waiting", "uploading", "paused", "verifying"]);

/** Multipart uploads with a file item on the server: pausing keeps them resumable after signing in again. */
const isResumable = (item: QueueItem) => item.resumable && (item.status === "uploading" || item.status === "paused");

/**
 * Signing out while uploads run stops them, so the person decides how: cancel everything (file items
 * released, resume records forgotten), or keep what can resume (multipart uploads pause and keep
 * their resume records in this browser; picking the same file after signing in again carries on).
 */
export function SignOutChoice({ manager, onSignOut }: { manager: UploadManager; onSignOut: () => Promise<void> }) {
  const state = useQueueState(manager);
  const [busy, setBusy] = useState<"cancel" | "keep" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const active = state.items.filter((item) => IN_PROGRESS.has(item.status));
  const resumable = active.filter(isResumable).length;

  const go = async (keepResumable: boolean) => {
    setBusy(keepResumable ? "keep" : "cancel");
    setError(null);
    try {
      await manager.stopForSignOut({ keepResumable });
      await onSignOut();
    } catch {
      manager.keepLeaveWarning();
      setError("Could not sign out. Try again in a moment.");
      setBusy(null);
    }
  };

  return (
    <div className="sign-out-choice" data-testid="sign-out-uploads">
      <p role="alert">
        {active.length} upload{active.length === 1 ? " is" : "s are"} still in progress. Signing out stops {active.length === 1 ? "it" : "them"}.
      </p>
      <ul className="sign-out-list" aria-label="Uploads in progress">
        {active.slice(0, LISTED).map((item) => (
          <li key={item.key} data-testid="sign-out-upload" data-name={item.name}>
            {item.path ? `${item.path}/` : ""}
            {item.name} · {item.status} · {itemPercent(item)}%{isResumable(item) ? " · can resume later" : ""}
          </li>
        ))}
        {active.length > LISTED && <li>and {active.length - LISTED} more</li>}
      </ul>
      <div className="sign-out-actions">
        <button type="button" className="danger" data-testid="sign-out-cancel-uploads" disabled={busy !== null} onClick={() => go(false)}>
          {busy === "cancel" ? "Cancelling…" : "Cancel uploads and sign out"}
        </button>
        {resumable > 0 && (
          <button type="button" data-testid="sign-out-keep-uploads" disabled={busy !== null} onClick={() => go(true)}>
            {busy === "keep" ? "Pausing…" : "Keep resumable uploads and sign out"}
          </button>
        )}
        <Link href="/upload">Back to the uploads</Link>
      </div>
      <p className="muted">
        {resumable > 0
          ? `Keeping pauses ${resumable} large upload${resumable === 1 ? "" : "s"}: after signing in again in this browser, pick the same file to carry on.${active.length > resumable ? " The others are cancelled." : ""}`
          : "None of these can be resumed later: they would start over."}
      </p>
      {error && (
        <ErrorText>
          {error}
        </ErrorText>
      )}
    </div>
  );
}
