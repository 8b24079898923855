"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useId } from "react";
import { ProgressBar } from "@/components/ui/progress-bar";
import { formatDuration } from "@/client/queue/upload-progress";
import type { ActivitySnapshot } from "@/client/queue/upload-activity";
import { formatBytes } from "@/lib/upload-rules";
import { NotifyButton } from "./notify-button";
import { useOptionalUploadManager, useQueueState, useUploadActivity } from "./upload-manager";
import type { UploadManager } from "@/client/queue/upload-manager";

/** Pages that show the uploads themselves: the queue, and the sign-out page's list of what would stop. */
const PAGES_WITHOUT_TRAY = new Set(["/upload", "/signout"]);

/** "3 files left · 45% · 2.1 MiB/s · about 1 min 20 s left"; speed and time only while bytes move. */
export function describeActivity(activity: ActivitySnapshot, paused: boolean): string {
  const parts = [`${activity.filesLeft} file${activity.filesLeft === 1 ? "" : "s"} left`, `${activity.percent}%`];
  if (activity.bytesPerSecond !== null) parts.push(`${formatBytes(Math.round(activity.bytesPerSecond))}/s`);
  if (activity.secondsLeft !== null) parts.push(`about ${formatDuration(activity.secondsLeft)} left`);
  else if (paused) parts.push("paused");
  return parts.join(" · ");
}

function Tray({ manager }: { manager: UploadManager }) {
  const activity = useUploadActivity(manager);
  const state = useQueueState(manager);
  const headingId = useId();
  if (!activity.busy) return null;
  const { counts, pausable } = state.summary;
  const paused = counts.paused > 0 && counts.uploading === 0;
  const text = describeActivity(activity, paused);
  return (
    // A labelled region: screen readers list it among the page's landmarks as "Uploads".
    <section className="upload-tray" aria-labelledby={headingId} data-testid="upload-tray">
      <div className="upload-tray-head">
        <h2 id={headingId}>Uploads</h2>
        <Link href="/upload" data-testid="tray-open-queue">
          Open queue
        </Link>
      </div>
      <ProgressBar label="Overall upload progress" percent={activity.percent} valueText={text} />
      <p className="upload-tray-text" data-testid="tray-text">
        {text}
      </p>
      <div className="upload-tray-actions">
        {pausable > 0 && (
          <button type="button" className="secondary" data-testid="tray-pause-all" onClick={manager.engine.pauseAll}>
            Pause all
          </button>
        )}
        {counts.paused > 0 && (
          <button type="button" data-testid="tray-resume-all" onClick={manager.engine.resumeAll}>
            Resume all
          </button>
        )}
        <NotifyButton />
      </div>
    </section>
  );
}

/** The compact view of the tab's uploads on every page but the queue itself; hidden when idle. */
export function UploadTray() {
  const manager = useOptionalUploadManager();
  const pathname = usePathname();
  if (!manager || PAGES_WITHOUT_TRAY.has(pathname)) return null;
  return <Tray manager={manager} />;
}
