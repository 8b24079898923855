"use client";

import { useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ConfirmButton } from "./confirm-button";

/** `data-*` attributes the specs read (a count, a state). */
type DataAttributes = Record<`data-${string}`, string | number>;

export type RevocableColumn<T> = {
  header: string;
  cell: (item: T) => ReactNode;
  testId?: string;
  data?: (item: T) => DataAttributes;
};

export type Revoke<T> = {
  run: (item: T) => Promise<unknown>;
  /** Refreshed once the request settles, whether it worked or not. */
  refreshKey: QueryKey;
  /** Names the item for the Revoke button and its confirm: "Revoke nightly backup". */
  label: (item: T) => string;
  /** `<prefix>-button`, `<prefix>-confirm`, `<prefix>-cancel` (see ConfirmButton). */
  testIdPrefix: string;
};

type Props<T extends { id: string }> = {
  items: readonly T[];
  /** Read by screen readers only. */
  caption: string;
  columns: ReadonlyArray<RevocableColumn<T>>;
  testId: string;
  rowTestId: string;
  rowData?: (item: T) => DataAttributes;
  revoke: Revoke<T>;
};

function RevocableRow<T extends { id: string }>({ item, columns, rowTestId, rowData, revoke }: { item: T } & Omit<Props<T>, "items" | "caption" | "testId">) {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: () => revoke.run(item),
    onSettled: () => queryClient.invalidateQueries({ queryKey: revoke.refreshKey }),
  });
  return (
    <tr data-testid={rowTestId} {...rowData?.(item)}>
      {columns.map((column) => (
        <td key={column.header} data-testid={column.testId} {...column.data?.(item)}>
          {column.cell(item)}
        </td>
      ))}
      <td>
        <ConfirmButton
          label="Revoke"
          ariaLabel={revoke.label(item)}
          confirmLabel="Revoke now"
          cancelLabel="Keep"
          pendingLabel="Revoking…"
          testIdPrefix={revoke.testIdPrefix}
          onConfirm={() => mutation.mutate()}
          pending={mutation.isPending}
          error={mutation.error}
        />
      </td>
    </tr>
  );
}

/**
 * Things that grant access until revoked (API tokens, share links): one row each, its details, and
 * Revoke, which asks once more in place since a revoked item stops working at once.
 */
export function RevocableTable<T extends { id: string }>({ items, caption, testId, ...row }: Props<T>) {
  return (
    <table data-testid={testId}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {row.columns.map((column) => (
            <th key={column.header} scope="col">
              {column.header}
            </th>
          ))}
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <RevocableRow key={item.id} item={item} {...row} />
        ))}
      </tbody>
    </table>
  );
}
