import { useCallback } from "react";
import { clampConcurrency, DEFAULT_CONCURRENCY } from "@/client/queue/upload-queue";
import { storedSetting } from "@/components/ui/use-stored-setting";

const useStoredConcurrency = storedSetting<number>({ key: "uploads.concurrency", fallback: DEFAULT_CONCURRENCY, parse: (raw) => clampConcurrency(Number(raw)) });

/** How many files upload at once, kept in localStorage; the server render uses the default. */
export function useConcurrencySetting(): [number, (value: number) => void] {
  const [value, set] = useStoredConcurrency();
  return [value, useCallback((next: number) => set(clampConcurrency(next)), [set])];
}
