import { useCallback, useSyncExternalStore } from "react";

export const LIBRARY_VIEWS = ["list", "grid"] as const;
export type LibraryView = (typeof LIBRARY_VIEWS)[number];

const STORAGE_KEY = "uploads.libraryView";
const DEFAULT_VIEW: LibraryView = "list";
const listeners = new Set<() => void>();
/** Used when storage is unavailable (disabled by policy, some private modes). */
let inMemory: LibraryView | null = null;

function subscribe(listener: () => void) {
  listeners.add(listener);
  // Another tab switching the view switches this one too.
  window.addEventListener("storage", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", listener);
  };
}

const isView = (value: unknown): value is LibraryView => (LIBRARY_VIEWS as readonly unknown[]).includes(value);

function read(): LibraryView {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isView(stored)) return stored;
  } catch {
    // Fall through to the in-memory value.
  }
  return inMemory ?? DEFAULT_VIEW;
}

/**
 * List or grid, kept in localStorage. The server render and hydration use the list; the stored
 * choice applies right after, so the markup never mismatches.
 */
export function useLibraryView(): [LibraryView, (view: LibraryView) => void] {
  const view = useSyncExternalStore(subscribe, read, () => DEFAULT_VIEW);
  const set = useCallback((next: LibraryView) => {
    inMemory = next;
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not persisted; this page still uses the in-memory value.
    }
    for (const listener of listeners) listener();
  }, []);
  return [view, set];
}
