/** React Query keys, one place: what refreshes what. */

/** The files library; the upload manager invalidates it as files land. */
export const FILES_QUERY_KEY = ["files"] as const;

/** Under the files key, so whatever refreshes the library (a delete) refreshes the links too. */
export const shareLinksQueryKey = (fileId: string) => [...FILES_QUERY_KEY, "links", fileId] as const;

export const TOKENS_QUERY_KEY = ["tokens"] as const;
