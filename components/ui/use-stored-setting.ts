import { useCallback, useSyncExternalStore } from "react";

export type StoredSetting<T> = {
  /** The localStorage key. */
  key: string;
  /** What the server render, hydration and an unreadable stored value use. */
  fallback: T;
  /** The stored text as a value, or null when it is not one. */
  parse: (raw: string) => T | null;
};

type Slot<T> = { listeners: Set<() => void>; inMemory: T | null };

/**
 * A per-browser setting kept in localStorage, read through useSyncExternalStore: the server
 * render and hydration use `fallback`, the stored choice applies right after (no markup
 * mismatch); another tab changing it changes it here too; where storage is unavailable (disabled
 * by policy, some private modes) it lives in memory for the page. One slot per setting.
 */
export function storedSetting<T>({ key, fallback, parse }: StoredSetting<T>): () => [T, (value: T) => void] {
  const slot: Slot<T> = { listeners: new Set(), inMemory: null };
  const subscribe = (listener: () => void) => {
    slot.listeners.add(listener);
    window.addEventListener("storage", listener);
    return () => {
      slot.listeners.delete(listener);
      window.removeEventListener("storage", listener);
    };
  };
  const read = (): T => {
    try {
      const raw = window.localStorage.getItem(key);
      const value = raw === null ? null : parse(raw);
      if (value !== null) return value;
    } catch {
      // Fall through to the in-memory value.
    }
    return slot.inMemory ?? fallback;
  };
  const serverValue = () => fallback;
  return function useStoredSetting() {
    const value = useSyncExternalStore(subscribe, read, serverValue);
    const set = useCallback((next: T) => {
      slot.inMemory = next;
      try {
        window.localStorage.setItem(key, String(next));
      } catch {
        // Not persisted; this page still uses the in-memory value.
      }
      for (const listener of slot.listeners) listener();
    }, []);
    return [value, set];
  };
}
