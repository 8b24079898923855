import { storedSetting } from "@/components/ui/use-stored-setting";

export const LIBRARY_VIEWS = ["list", "grid"] as const;
export type LibraryView = (typeof LIBRARY_VIEWS)[number];

const isView = (value: unknown): value is LibraryView => (LIBRARY_VIEWS as readonly unknown[]).includes(value);

/** List or grid, remembered per browser; the server render and hydration use the list. */
export const useLibraryView = storedSetting<LibraryView>({ key: "uploads.libraryView", fallback: "list", parse: (raw) => (isView(raw) ? raw : null) });
