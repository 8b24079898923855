"use client";

import { memo } from "react";
import { ProgressBar } from "@/components/ui/progress-bar";
import { formatDuration, itemPercent, secondsLeft } from "@/client/queue/upload-progress";
import type { QueueItem, UploadStatus } from "@/client/queue/upload-queue";
import { formatBytes } from "@/lib/upload-rules";
import { ErrorText } from "@/components/ui/error-text";
import { failureMessage } from "./failure-message";

const STATUS_LABELS: Record<UploadStatus, string> = {
  waiting: "Waiting",
  uploading: "Uploading",
  paused: "Paused",
  verifying: "Verifying",
  done: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
  rejected: "Rejected",
};

/** "4.5 MiB of 10 MiB · 45% · 1.2 MiB/s · 8 s left"; speed and time left only while bytes move. */
function describeProgress(item: QueueItem, percent: number): string {
  const parts = [`${formatBytes(item.loaded)} of ${formatBytes(item.size)}`, `${percent}%`];
  const speed = item.speed?.bytesPerSecond ?? null;
  if (item.status === "uploading" && speed !== null) {
    parts.push(`${formatBytes(Math.round(speed))}/s`);
    const left = secondsLeft(item.size - item.loaded, speed);
    if (left !== null) parts.push(`${formatDuration(left)} left`);
  }
  // A transient failure is being sent again on its own; say so rather than look stuck at 0%.
  if (item.status === "uploading" && item.retries > 0) parts.push(`retry ${item.retries}`);
  return parts.join(" · ");
}

type RowProps = {
  item: QueueItem;
  onCancel: (key: string) => void;
  onRetry: (key: string) => void;
  onPause: (key: string) => void;
  onResume: (key: string) => void;
};

/** Memoised: the reducer keeps an unchanged row's object, so only rows that changed re-render. */
export const UploadRow = memo(function UploadRow({ item, onCancel, onRetry, onPause, onResume }: RowProps) {
  const percent = itemPercent(item);
  const progress = describeProgress(item, percent);
  const cancellable = item.status === "waiting" || item.status === "uploading" || item.status === "paused";
  return (
    <li
      className={`queue-row status-${item.status}`}
      data-testid="upload-row"
      data-status={item.status}
      data-name={item.name}
      data-path={item.path}
      data-server-id={item.fileItemId ?? undefined}
    >
      <div className="queue-row-head">
        <span className="queue-row-name" title={item.path === undefined ? item.name : `${item.path}/${item.name}`}>
          {/* The folder first, dimmed: rows of one folder line up, and same-named files in two folders tell apart. */}
          {item.path !== undefined && (
            <span className="queue-row-path" data-testid="upload-path">
              {item.path}/
            </span>
          )}
          {item.name}
        </span>
        <span className="muted">{formatBytes(item.size)}</span>
        <span className="status-badge" data-testid="upload-status">
          {STATUS_LABELS[item.status]}
        </span>
      </div>
      <div className="queue-row-actions">
        {item.resumable && item.status === "uploading" && (
          <button type="button" className="secondary" aria-label={`Pause ${item.name}`} data-testid="pause-button" onClick={() => onPause(item.key)}>
            Pause
          </button>
        )}
        {item.status === "paused" && (
          <button type="button" aria-label={`Resume ${item.name}`} data-testid="resume-button" onClick={() => onResume(item.key)}>
            Resume
          </button>
        )}
        {cancellable && (
          <button type="button" className="secondary" aria-label={`Cancel ${item.name}`} data-testid="cancel-button" onClick={() => onCancel(item.key)}>
            Cancel
          </button>
        )}
        {item.status === "failed" && (
          <button type="button" aria-label={`Retry ${item.name}`} data-testid="retry-button" onClick={() => onRetry(item.key)}>
            Retry
          </button>
        )}
      </div>
      {item.status === "rejected" ? (
        <p className="error queue-row-detail" data-testid="rejection-reason">
          {item.error?.message}
        </p>
      ) : (
        <div className="queue-row-detail">
          <ProgressBar label={`Upload progress for ${item.name}`} percent={percent} valueText={progress} />
          <span className="muted" data-testid="upload-progress-text">
            {progress}
          </span>
        </div>
      )}
      {item.status === "failed" && (
        <ErrorText testId="failure-reason" className="queue-row-detail">
          {item.error && failureMessage(item.error.code, item.error.message)}
        </ErrorText>
      )}
    </li>
  );
});
