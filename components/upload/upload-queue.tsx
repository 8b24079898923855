"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { DropZone } from "./drop-zone";
import { ProgressBar } from "@/components/ui/progress-bar";
import { UnfinishedUploads } from "./unfinished-uploads";
import { UploadRow } from "./upload-row";
import { useConcurrencySetting } from "./use-concurrency-setting";
import { NotifyButton } from "./notify-button";
import { useQueueState, useUploadManager } from "./upload-manager";
import { usePasteFiles } from "./use-paste-files";
import { selectTotals, type QueueTotals } from "@/client/queue/upload-progress";
import { countActive, hasPendingWork } from "@/client/queue/queue-select";
import { MAX_CONCURRENCY } from "@/client/queue/upload-queue";
import { formatBytes } from "@/lib/upload-rules";
import { useHydrated } from "@/components/ui/use-hydrated";

function ConcurrencyInput({ value, onChange }: { value: number; onChange: (value: number) => void }) {
  // What is typed, so clearing the field to type a new number does not snap back.
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <label className="inline-label">
      Files at once
      <input
        type="number"
        min={1}
        max={MAX_CONCURRENCY}
        step={1}
        inputMode="numeric"
        value={draft ?? String(value)}
        data-testid="concurrency-input"
        onChange={(event) => {
          setDraft(event.target.value);
          const next = Number.parseInt(event.target.value, 10);
          if (Number.isFinite(next)) onChange(next);
        }}
        onBlur={() => setDraft(null)}
      />
    </label>
  );
}

function OverallProgress({ totals }: { totals: QueueTotals }) {
  const text = `${totals.done} of ${totals.total} files done · ${formatBytes(totals.loaded)} of ${formatBytes(totals.size)} (${totals.percent}%)`;
  return (
    <div className="overall" data-testid="overall-progress">
      <ProgressBar label="Overall upload progress" percent={totals.percent} valueText={text} />
      <p data-testid="overall-progress-text">{text}</p>
    </div>
  );
}

/**
 * The upload page's client side: pick, drop or paste files and folders, watch them upload, cancel
 * or retry. The queue itself belongs to the tab's upload manager (upload-manager.tsx), so it keeps
 * running when the person goes to another page, and is all here again when they come back.
 */
export function UploadQueue() {
  const manager = useUploadManager();
  const { engine, rules } = manager;
  const state = useQueueState(manager);
  const [concurrency, setConcurrency] = useConcurrencySetting();
  usePasteFiles(engine.add);
  const canPauseAll = state.summary.pausable > 0;
  const canResumeAll = state.summary.counts.paused > 0;
  const pending = hasPendingWork(state);
  const totals = selectTotals(state);
  // False in the server render and during hydration: tests wait for it before picking files.
  const hydrated = useHydrated();
  const queued = useMemo(() => new Set(state.items.map((item) => `${item.name}|${item.size}`)), [state.items]);

  return (
    <section className="upload-queue" data-testid="upload-queue" data-active-count={countActive(state)} data-ready={hydrated}>
      <DropZone rules={rules} onFiles={engine.add} />
      <UnfinishedUploads queued={queued} refreshKey={state.summary.counts.done} onFiles={engine.add} />
      <div className="queue-toolbar">
        <ConcurrencyInput value={concurrency} onChange={setConcurrency} />
        {canPauseAll && (
          <button type="button" className="secondary" data-testid="pause-all-button" onClick={engine.pauseAll}>
            Pause all
          </button>
        )}
        {canResumeAll && (
          <button type="button" data-testid="resume-all-button" onClick={engine.resumeAll}>
            Resume all
          </button>
        )}
        {state.items.length > 0 && (
          <button type="button" className="secondary" onClick={engine.clear}>
            Clear finished
          </button>
        )}
        {pending && <NotifyButton />}
      </div>
      {state.items.length > 0 && <OverallProgress totals={totals} />}
      <ul className="queue-list" aria-label="Upload queue">
        {/* Rows are memoised and the callbacks are stable, so a frame re-renders only the rows that changed. */}
        {state.items.map((item) => (
          <UploadRow key={item.key} item={item} onCancel={engine.cancel} onRetry={engine.retry} onPause={engine.pause} onResume={engine.resume} />
        ))}
      </ul>
      {totals.done > 0 && !pending && (
        <p>
          All set. See <Link href="/files">your files</Link>.
        </p>
      )}
    </section>
  );
}
