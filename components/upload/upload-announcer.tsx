"use client";

import type { UploadManager } from "@/client/queue/upload-manager";
import { useSyncExternalStore } from "react";

/**
 * The one live region for upload progress, on every page: it stays mounted while the tray comes
 * and goes, so "Uploads finished" is still heard as the tray hides. Its text changes only at
 * milestones or every ANNOUNCE_INTERVAL_MS (client/queue/announcer.ts), never per progress event.
 */
export function UploadAnnouncer({ manager }: { manager: UploadManager }) {
  const { activity } = manager;
  const { announcement, announcementId } = useSyncExternalStore(activity.subscribe, activity.getSnapshot, activity.getSnapshot);
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="upload-announcer" data-announcement-id={announcementId}>
      {/* A new node per announcement, so the same words twice are announced twice. */}
      <span key={announcementId}>{announcement}</span>
    </div>
  );
}
