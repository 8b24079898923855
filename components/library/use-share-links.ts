"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { callApi, jsonRequest } from "@/client/api/api-fetch";
import { FILES_QUERY_KEY } from "@/client/api/upload-api";
import type { CreateShareLinkBody, CreateShareLinkResponse, ListShareLinksResponse } from "@/lib/contracts/share-link-schemas";

/** Under the files key, so whatever refreshes the library (a delete) refreshes the links too. */
export const shareLinksQueryKey = (fileId: string) => [...FILES_QUERY_KEY, "links", fileId] as const;

const linksPath = (fileId: string) => `/api/files/${encodeURIComponent(fileId)}/links`;

/** The file's unrevoked links (GET /api/files/{id}/links). */
export function useShareLinks(fileId: string) {
  return useQuery({
    queryKey: shareLinksQueryKey(fileId),
    queryFn: () => callApi<ListShareLinksResponse>(linksPath(fileId)),
    // Downloads happen elsewhere: opening the dialog always shows fresh counts.
    refetchOnMount: "always",
  });
}

/** POST /api/files/{id}/links: the answer holds the link's URL, shown this once. */
export function useCreateShareLink(fileId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateShareLinkBody) => callApi<CreateShareLinkResponse>(linksPath(fileId), jsonRequest("POST", body)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: shareLinksQueryKey(fileId) }),
  });
}

/** DELETE /api/links/{id}: the link stops working at once. */
export function useRevokeShareLink(fileId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (linkId: string) => callApi<void>(`/api/links/${encodeURIComponent(linkId)}`, { method: "DELETE" }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: shareLinksQueryKey(fileId) }),
  });
}
