/** A file's share links, as the page calls them; errors are thrown as ApiError. */
import { callApi, jsonRequest } from "./api-fetch";
import type { CreateShareLinkBody, CreateShareLinkResponse, ListShareLinksResponse } from "@/lib/contracts/share-link-schemas";

const linksPath = (fileId: string) => `/api/files/${encodeURIComponent(fileId)}/links`;

// GET /api/files/{id}/links - the file's unrevoked links
export function listShareLinks(fileId: string): Promise<ListShareLinksResponse> {
  return callApi(linksPath(fileId));
}

// POST /api/files/{id}/links - make a link; the answer holds its URL, shown this once
export function createShareLink(fileId: string, body: CreateShareLinkBody): Promise<CreateShareLinkResponse> {
  return callApi(linksPath(fileId), jsonRequest("POST", body));
}

// DELETE /api/links/{id} - the link stops working at once
export function revokeShareLink(linkId: string): Promise<void> {
  return callApi(`/api/links/${encodeURIComponent(linkId)}`, { method: "DELETE" });
}

/** GET /s/{token}/download - the shared file's bytes for anyone holding the link (no session), as an attachment. */
export function sharedDownloadHref(token: string): string {
  return `/s/${encodeURIComponent(token)}/download`;
}
