"use client";

import { useQuery } from "@tanstack/react-query";
import { listTokens, revokeToken } from "@/client/api/tokens-api";
import { TOKENS_QUERY_KEY } from "@/components/query-keys";
import { DateTime } from "@/components/ui/date-time";
import { QueryView } from "@/components/ui/query-view";
import { RevocableTable, type RevocableColumn } from "@/components/ui/revocable-table";
import type { ApiTokenDto } from "@/lib/contracts/api-token-schemas";

const COLUMNS: ReadonlyArray<RevocableColumn<ApiTokenDto>> = [
  { header: "Name", testId: "token-name", cell: (token) => token.name },
  { header: "Token", cell: (token) => <code data-testid="token-prefix">{token.prefix}…</code> },
  { header: "Created", cell: (token) => <DateTime at={token.createdAt} /> },
  { header: "Last used", testId: "token-last-used", cell: (token) => <DateTime at={token.lastUsedAt} fallback="Never" /> },
];

/** The signed-in person's active tokens, newest first; revoking one asks to confirm. */
export function TokenList() {
  const query = useQuery({ queryKey: TOKENS_QUERY_KEY, queryFn: listTokens });
  return (
    <QueryView
      query={query}
      loading="Loading your tokens…"
      failed="Could not load your tokens"
      errorTestId="token-list-error"
      empty={{ when: (data) => data.tokens.length === 0, message: "No active tokens.", testId: "token-list-empty" }}
    >
      {(data) => (
        <RevocableTable
          items={data.tokens}
          caption="Your API tokens"
          columns={COLUMNS}
          testId="token-table"
          rowTestId="token-row"
          rowData={(token) => ({ "data-name": token.name })}
          revoke={{ run: (token) => revokeToken(token.id), refreshKey: TOKENS_QUERY_KEY, label: (token) => `Revoke ${token.name}`, testIdPrefix: "token-revoke" }}
        />
      )}
    </QueryView>
  );
}
