import type { ReactNode } from "react";
import { ErrorText } from "./error-text";

/** What QueryView reads of a React Query result. */
export type QueryLike<T> = { isPending: boolean; error: Error | null; data: T | undefined };

type Props<T> = {
  query: QueryLike<T>;
  /** Shown while the first answer is on its way: "Loading your tokens…". */
  loading: string;
  /** Said before the error's message: "Could not load your tokens". */
  failed: string;
  errorTestId: string;
  /** When the answer holds nothing, say so instead of rendering an empty table. */
  empty?: { when: (data: T) => boolean; message: ReactNode; testId: string };
  children: (data: T) => ReactNode;
};

/** A paragraph for "nothing here", with the test id the specs look for. */
export function EmptyState({ testId, children }: { testId: string; children: ReactNode }) {
  return <p data-testid={testId}>{children}</p>;
}

/** The loading, error and empty states every list and table of the app shows alike, then the data. */
export function QueryView<T>({ query, loading, failed, errorTestId, empty, children }: Props<T>) {
  if (query.isPending) return <p className="muted">{loading}</p>;
  if (query.error) {
    return (
      <ErrorText testId={errorTestId}>
        {failed}: {query.error.message}
      </ErrorText>
    );
  }
  if (query.data === undefined) return null;
  if (empty?.when(query.data)) return <EmptyState testId={empty.testId}>{empty.message}</EmptyState>;
  return <>{children(query.data)}</>;
}
