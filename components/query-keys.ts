/** React Query keys, one place: what refreshes what. */

/** The files library; the upload manager invalidates it as files land. */
export const FILES_QUERY_KEY = ["files"] as const;

/** Every page of the library, whatever its search, filter and sort; a preview landing updates them in place. */
export const LIBRARY_QUERY_KEY = [...FILES_QUERY_KEY, "library"] as const;

/** Under the files key, so whatever refreshes the library (a delete) refreshes the links too. */
export const shareLinksQueryKey = (fileId: string) => [...FILES_QUERY_KEY, "links", fileId] as const;

export const TOKENS_QUERY_KEY = ["tokens"] as const;
