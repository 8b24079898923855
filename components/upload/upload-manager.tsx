"use client";

import { useQueryClient } from "@tanstack/react-query";
import { createContext, use, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { FILES_QUERY_KEY } from "@/components/query-keys";
import { applyLandedPreviews } from "@/components/library/landed-previews";
import { UploadManager } from "@/client/queue/upload-manager";
import type { UploadRules } from "@/lib/upload-rules";
import type { UploadSettings } from "@/lib/contracts/upload-schemas";
import { UploadAnnouncer } from "./upload-announcer";
import { useConcurrencySetting } from "./use-concurrency-setting";

const UploadManagerContext = createContext<UploadManager | null>(null);

/**
 * One upload manager per tab, for a signed-in person: mounted from the root layout, which stays
 * mounted through client-side navigation, so uploads keep running on every page with the same
 * queue and connection pool. `rules`, `settings` (POST forms or PUTs for small files) and
 * `connections` come from the server's env.
 */
export function UploadManagerProvider({ rules, settings, connections, children }: { rules: UploadRules; settings: UploadSettings; connections: number; children: ReactNode }) {
  const queryClient = useQueryClient();
  // The files list (/files, or its cache for the next visit) refetches as files land, from any page.
  const [manager] = useState(() => new UploadManager(rules, () => void queryClient.invalidateQueries({ queryKey: FILES_QUERY_KEY }), settings));
  const [concurrency] = useConcurrencySetting();
  useEffect(() => manager.engine.setConcurrency(concurrency), [manager, concurrency]);
  useEffect(() => manager.engine.setConnections(connections), [manager, connections]);
  useEffect(() => manager.attach(window), [manager]);
  // Each preview that lands shows in the library's cards at once, without fetching the list again.
  useEffect(() => manager.previews.onLanded((landed) => applyLandedPreviews(queryClient, landed)), [manager, queryClient]);
  return (
    <UploadManagerContext value={manager}>
      {children}
      <UploadAnnouncer manager={manager} />
    </UploadManagerContext>
  );
}

/** The manager, or null when nobody is signed in (no provider above). */
export function useOptionalUploadManager(): UploadManager | null {
  return use(UploadManagerContext);
}

export function useUploadManager(): UploadManager {
  const manager = use(UploadManagerContext);
  if (!manager) throw new Error("useUploadManager needs an UploadManagerProvider above it (the root layout mounts one when signed in).");
  return manager;
}

/** The queue as React sees it (the engine publishes at most every RENDER_INTERVAL_MS). */
export function useQueueState(manager: UploadManager) {
  const { engine } = manager;
  return useSyncExternalStore(engine.subscribe, engine.getSnapshot, engine.getSnapshot);
}

/** Overall figures for the tray and the announcer. */
export function useUploadActivity(manager: UploadManager) {
  const { activity } = manager;
  return useSyncExternalStore(activity.subscribe, activity.getSnapshot, activity.getSnapshot);
}
