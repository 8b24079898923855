"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { listTokens, revokeToken } from "@/client/api/tokens-api";
import { TOKENS_QUERY_KEY } from "@/components/query-keys";
import type { ApiTokenDto } from "@/lib/contracts/api-token-schemas";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function When({ at, fallback }: { at: string | null; fallback: string }) {
  return at ? <time dateTime={at}>{dateFormat.format(new Date(at))}</time> : <span className="muted">{fallback}</span>;
}

/** One token; revoking asks once more in place, since a revoked token stops working at once. */
function TokenRow({ token }: { token: ApiTokenDto }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation({
    mutationFn: () => revokeToken(token.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: TOKENS_QUERY_KEY }),
  });
  return (
    <tr data-testid="token-row" data-name={token.name}>
      <td data-testid="token-name">{token.name}</td>
      <td>
        <code data-testid="token-prefix">{token.prefix}…</code>
      </td>
      <td>
        <When at={token.createdAt} fallback="—" />
      </td>
      <td data-testid="token-last-used">
        <When at={token.lastUsedAt} fallback="Never" />
      </td>
      <td>
        <div className="queue-row-actions">
          {confirming ? (
            <>
              <button type="button" onClick={() => revoke.mutate()} disabled={revoke.isPending} data-testid="token-revoke-confirm">
                Revoke now
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(false)} data-testid="token-revoke-cancel">
                Keep
              </button>
            </>
          ) : (
            <button type="button" className="secondary" onClick={() => setConfirming(true)} aria-label={`Revoke ${token.name}`} data-testid="token-revoke-button">
              Revoke
            </button>
          )}
        </div>
        {revoke.error && (
          <span role="alert" className="error">
            {revoke.error.message}
          </span>
        )}
      </td>
    </tr>
  );
}

/** The signed-in person's active tokens, newest first. */
export function TokenList() {
  const { data, error, isPending } = useQuery({ queryKey: TOKENS_QUERY_KEY, queryFn: listTokens });
  if (isPending) return <p className="muted">Loading your tokens…</p>;
  if (error) {
    return (
      <p role="alert" className="error" data-testid="token-list-error">
        Could not load your tokens: {error.message}
      </p>
    );
  }
  if (data.tokens.length === 0) return <p data-testid="token-list-empty">No active tokens.</p>;
  return (
    <table data-testid="token-table">
      <caption className="visually-hidden">Your API tokens</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Token</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {data.tokens.map((token) => (
          <TokenRow key={token.id} token={token} />
        ))}
      </tbody>
    </table>
  );
}
