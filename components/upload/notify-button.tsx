"use client";

import { useState, useSyncExternalStore } from "react";
import { askNotificationPermission, notificationPermission, type NotificationPermissionState } from "@/client/notify/done-notifier";

const subscribeNever = () => () => {};

/**
 * "Notify me when uploads finish": the only place the page asks for notification permission, so
 * the browser's prompt always follows the person's own click (never on page load).
 */
export function NotifyButton() {
  // "unsupported" in the server render; the browser's answer once hydrated.
  const current = useSyncExternalStore(subscribeNever, notificationPermission, () => "unsupported" as const);
  const [asked, setAsked] = useState<NotificationPermissionState | null>(null);
  const permission = asked ?? current;
  if (permission === "unsupported") return null;
  if (permission === "granted") {
    return (
      <span className="muted" data-testid="notify-on">
        You will get a notification when uploads finish.
      </span>
    );
  }
  if (permission === "denied") {
    return (
      <span className="muted" data-testid="notify-blocked">
        Notifications are blocked for this site; the tab title still says when uploads finish.
      </span>
    );
  }
  return (
    <button type="button" className="secondary" data-testid="notify-button" onClick={async () => setAsked(await askNotificationPermission())}>
      Notify me when uploads finish
    </button>
  );
}
