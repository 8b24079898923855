/**
 * Tells a person who switched away that their uploads finished: the tab's title says so until the
 * tab is seen again, and a system notification does if they allowed it. Permission is asked only
 * when they press the button for it (askNotificationPermission), never on page load: browsers
 * penalise sites that ask unprompted, and people deny what they did not ask for.
 */
import type { BatchOutcome } from "@/client/queue/batch-tally";
import { doneNotification, doneTitle } from "./done-notice";

export type NotificationPermissionState = NotificationPermission | "unsupported";

export function notificationPermission(): NotificationPermissionState {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

/** Must run from a click: browsers ignore requests without a user gesture. */
export async function askNotificationPermission(): Promise<NotificationPermissionState> {
  if (typeof Notification === "undefined") return "unsupported";
  return Notification.requestPermission();
}

export class DoneNotifier {
  /** The title the page had before ours, put back when the tab is visible again. */
  private saved: { ours: string; before: string } | null = null;

  constructor(private readonly doc: Document) {}

  /** Listens for the tab becoming visible; returns the function that stops listening. */
  attach(): () => void {
    const onVisibility = () => {
      if (this.doc.visibilityState === "visible") this.restoreTitle();
    };
    this.doc.addEventListener("visibilitychange", onVisibility);
    return () => this.doc.removeEventListener("visibilitychange", onVisibility);
  }

  /** A batch ended: only a hidden tab needs telling (a visible one shows the queue or the tray). */
  batchEnded(outcome: BatchOutcome) {
    if (this.doc.visibilityState !== "hidden" || outcome.stored + outcome.failed === 0) return;
    const before = this.saved?.before ?? this.doc.title;
    const ours = doneTitle(outcome, before);
    this.doc.title = ours;
    this.saved = { ours, before };
    if (notificationPermission() !== "granted") return;
    const { title, body } = doneNotification(outcome);
    try {
      // One tag: a second batch replaces the first notice instead of stacking another.
      new Notification(title, { body, tag: "uploads-finished" });
    } catch {
      // Android Chrome allows notifications only from a service worker; the title still says it.
    }
  }

  private restoreTitle() {
    // Only our own title: a navigation meanwhile set the new page's title, which stays.
    if (this.saved && this.doc.title === this.saved.ours) this.doc.title = this.saved.before;
    this.saved = null;
  }
}
