import { useCallback, useSyncExternalStore } from "react";
import { clampConcurrency, DEFAULT_CONCURRENCY } from "@/client/queue/upload-queue";

const STORAGE_KEY = "uploads.concurrency";
const listeners = new Set<() => void>();
/** Used when storage is unavailable (disabled by policy, some private modes). */
let inMemory: number | null = null;

function subscribe(listener: () => void) {
  listeners.add(listener);
  // Another tab changing the setting applies here too.
  window.addEventListener("storage", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", listener);
  };
}

function read(): number {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    if (raw !== null) return clampConcurrency(Number(raw));
  } catch {
    // Fall through to the in-memory value.
  }
  return inMemory ?? DEFAULT_CONCURRENCY;
}

/** How many files upload at once, kept in localStorage; the server render uses the default. */
export function useConcurrencySetting(): [number, (value: number) => void] {
  const value = useSyncExternalStore(subscribe, read, () => DEFAULT_CONCURRENCY);
  const set = useCallback((next: number) => {
    inMemory = clampConcurrency(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, String(inMemory));
    } catch {
      // Not persisted; this page still uses the in-memory value.
    }
    for (const listener of listeners) listener();
  }, []);
  return [value, set];
}
