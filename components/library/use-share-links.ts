"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createShareLink, listShareLinks } from "@/client/api/share-links-api";
import { shareLinksQueryKey } from "@/components/query-keys";
import type { CreateShareLinkBody } from "@/lib/contracts/share-link-schemas";

/** The file's unrevoked links (GET /api/files/{id}/links). */
export function useShareLinks(fileId: string) {
  return useQuery({
    queryKey: shareLinksQueryKey(fileId),
    queryFn: () => listShareLinks(fileId),
    // Downloads happen elsewhere: opening the dialog always shows fresh counts.
    refetchOnMount: "always",
  });
}

/** POST /api/files/{id}/links: the answer holds the link's URL, shown this once. */
export function useCreateShareLink(fileId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateShareLinkBody) => createShareLink(fileId, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: shareLinksQueryKey(fileId) }),
  });
}
