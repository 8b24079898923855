"use client";

import { revokeShareLink } from "@/client/api/share-links-api";
import { shareLinksQueryKey } from "@/components/query-keys";
import { DateTime, formatDateTime } from "@/components/ui/date-time";
import { QueryView } from "@/components/ui/query-view";
import { RevocableTable, type RevocableColumn } from "@/components/ui/revocable-table";
import type { ShareLinkDto } from "@/lib/contracts/share-link-schemas";
import { useShareLinks } from "./use-share-links";

const STATE_LABELS: Record<ShareLinkDto["state"], string> = { active: "Active", expired: "Expired", used_up: "Download limit reached" };

const COLUMNS: ReadonlyArray<RevocableColumn<ShareLinkDto>> = [
  { header: "Created", cell: (link) => <DateTime at={link.createdAt} /> },
  { header: "State", testId: "share-link-state", cell: (link) => STATE_LABELS[link.state] },
  { header: "Expires", cell: (link) => <DateTime at={link.expiresAt} /> },
  {
    header: "Downloads",
    testId: "share-link-downloads",
    data: (link) => ({ "data-downloads": link.downloads }),
    cell: (link) => `${link.downloads}${link.maxDownloads !== null ? ` of ${link.maxDownloads}` : ""}`,
  },
  { header: "Last used", testId: "share-link-last-used", cell: (link) => <DateTime at={link.lastUsedAt} fallback="Never" /> },
];

/** The file's links that are not revoked: when they expire, how often they were used, and Revoke (with a confirm). */
export function ShareLinkList({ fileId, fileName }: { fileId: string; fileName: string }) {
  const query = useShareLinks(fileId);
  return (
    <QueryView
      query={query}
      loading="Loading links…"
      failed="Could not load the links"
      errorTestId="share-links-error"
      empty={{ when: (data) => data.links.length === 0, message: "No links yet.", testId: "share-links-empty" }}
    >
      {(data) => (
        <RevocableTable
          items={data.links}
          caption={`Share links of ${fileName}`}
          columns={COLUMNS}
          testId="share-links"
          rowTestId="share-link-row"
          rowData={(link) => ({ "data-link-id": link.id, "data-state": link.state })}
          revoke={{
            run: (link) => revokeShareLink(link.id),
            refreshKey: shareLinksQueryKey(fileId),
            label: (link) => `Revoke the link created ${formatDateTime(link.createdAt)}`,
            testIdPrefix: "share-link-revoke",
          }}
        />
      )}
    </QueryView>
  );
}
