import type { QueueItem } from "@/client/queue/upload-queue";

/** A PNG waiting in the queue, as the reducer adds one: nothing sent, no file item yet. */
export function waitingItem(key: string, size: number): QueueItem {
  return {
    key,
    name: `${key}.png`,
    size,
    type: "image/png",
    status: "waiting",
    fileItemId: null,
    resumable: false,
    loaded: 0,
    speed: null,
    retries: 0,
    error: null,
    file: null,
  };
}
