/** The files library's routes, as the page calls them; errors are thrown as ApiError. */
import { callApi, jsonRequest } from "./api-fetch";
import type { LibraryPage, LibrarySort, RenameFileResponse, SortOrder } from "@/lib/contracts/library-schemas";

const filePath = (id: string, rest = "") => `/api/files/${encodeURIComponent(id)}${rest}`;

/** What the files library asks for; empty values are left out of the query string. */
export type LibraryQuery = { q?: string; type?: string; sort?: LibrarySort; order?: SortOrder; limit?: number; cursor?: string | null };

// GET /api/files - one page of the caller's files, filtered and sorted, with their usage
export function listLibraryPage(query: LibraryQuery): Promise<LibraryPage> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  const search = params.toString();
  return callApi(search ? `/api/files?${search}` : "/api/files");
}

// PATCH /api/files/{id} - change the display name
export function renameFile(id: string, name: string): Promise<RenameFileResponse> {
  return callApi(filePath(id), jsonRequest("PATCH", { name }));
}

// DELETE /api/files/{id} - remove the file from storage, then from the library
export function deleteFile(id: string): Promise<void> {
  return callApi(filePath(id), { method: "DELETE" });
}

/** GET /api/files/{id}/download redirects to a short-lived link that downloads as an attachment. */
export function downloadHref(id: string): string {
  return filePath(id, "/download");
}

/**
 * GET /api/files/{id}/view redirects to a short-lived link made then: inline with the stored type
 * for the media the server lets a page show (images, mp4/mov video), an attachment for anything else.
 */
export function viewHref(id: string): string {
  return filePath(id, "/view");
}
