/**
 * The tab's one upload manager: the engine (queue, scheduler, connection pool), the preview queue
 * beside it (client/preview/preview-queue.ts, sharing its connections), its activity (tray figures,
 * announcements, batch ends), the done notice and the leave warning. Made once per tab by
 * components/upload/upload-manager.tsx above every page, so moving between pages never stops a
 * transfer or a preview. No React.
 */
import { ConnectionPool, DEFAULT_CONNECTIONS } from "@/client/connection-pool";
import { DoneNotifier } from "@/client/notify/done-notifier";
import type { UploadRules } from "@/lib/upload-rules";
import type { UploadSettings } from "@/lib/contracts/upload-schemas";
import type { PreviewQueue } from "@/client/preview/preview-queue";
import { createPagePreviewQueue } from "./page-preview-queue";
import { createPageUploadEngine } from "./page-upload-engine";
import { UploadActivity } from "./upload-activity";
import type { UploadEngine } from "@/client/engine/upload-engine";

/** Signing out waits at most this long for cancels to be answered before it goes ahead anyway. */
export const SIGN_OUT_WAIT_MS = 10_000;

export class UploadManager {
  readonly engine: UploadEngine;
  /** Previews of what this tab uploads, and of stored files the library grid finds without one. */
  readonly previews: PreviewQueue;
  readonly activity: UploadActivity;
  /** Set once signing out has stopped the queue: leaving must not ask any more. */
  private leaveAllowed = false;

  constructor(
    readonly rules: UploadRules,
    /** Runs (throttled) as files land: the page refreshes its files list. */
    onStored: () => void,
    /** How the server takes small files (POST forms, bound to the file's SHA-256 or not, or PUTs each file is hashed for); POST forms unless given. */
    settings?: UploadSettings,
  ) {
    const pool = new ConnectionPool(DEFAULT_CONNECTIONS);
    this.previews = createPagePreviewQueue(pool, settings);
    this.engine = createPageUploadEngine(rules, onStored, { pool, previews: this.previews, settings });
    this.activity = new UploadActivity(this.engine);
  }

  /**
   * The browser side, for as long as the tab lives: the leave warning while anything is pending,
   * and the done notice. Returns the function that undoes it (React's dev mode attaches twice).
   */
  attach(win: Window): () => void {
    const notifier = new DoneNotifier(win.document);
    const detachNotifier = notifier.attach();
    const stopListening = this.activity.onBatchEnd((outcome) => notifier.batchEnded(outcome));
    // Closing or reloading the tab mid-upload loses the transfer, so the browser asks first.
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (this.leaveAllowed) return;
      event.preventDefault();
      // Older Chromium and Safari only ask when returnValue is set.
      event.returnValue = "";
    };
    // Listening only while busy: an idle page keeps the back/forward cache.
    let listening = false;
    const sync = () => {
      const busy = this.activity.getSnapshot().busy;
      if (busy === listening) return;
      listening = busy;
      if (busy) win.addEventListener("beforeunload", onBeforeUnload);
      else win.removeEventListener("beforeunload", onBeforeUnload);
    };
    sync();
    const unsubscribe = this.activity.subscribe(sync);
    return () => {
      unsubscribe();
      stopListening();
      detachNotifier();
      win.removeEventListener("beforeunload", onBeforeUnload);
    };
  }

  /**
   * Before signing out: stops every upload (multipart ones pause and stay resumable when
   * `keepResumable`), waits until the server has heard the cancels (their session ends with the
   * sign-out), and lets the page go without the leave warning.
   */
  async stopForSignOut({ keepResumable }: { keepResumable: boolean }, waitMs = SIGN_OUT_WAIT_MS): Promise<void> {
    // Previews are best effort: nothing of them needs saying before the session ends.
    this.previews.clear();
    this.engine.stopAll({ keepResumable });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
    await Promise.race([this.engine.settled(), timeout]);
    clearTimeout(timer);
    this.leaveAllowed = true;
  }

  /** Signing out failed: leaving asks again while something is still pending. */
  keepLeaveWarning() {
    this.leaveAllowed = false;
  }
}
