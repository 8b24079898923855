"use client";

import type { ShareLinkDto } from "@/lib/contracts/share-link-schemas";
import { useRevokeShareLink, useShareLinks } from "./use-share-links";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

const STATE_LABELS: Record<ShareLinkDto["state"], string> = { active: "Active", expired: "Expired", used_up: "Download limit reached" };

function When({ at, fallback }: { at: string | null; fallback: string }) {
  return at ? <time dateTime={at}>{dateFormat.format(new Date(at))}</time> : <span className="muted">{fallback}</span>;
}

function LinkRow({ link, fileId }: { link: ShareLinkDto; fileId: string }) {
  const revoke = useRevokeShareLink(fileId);
  const created = dateFormat.format(new Date(link.createdAt));
  return (
    <tr data-testid="share-link-row" data-link-id={link.id} data-state={link.state}>
      <td>
        <When at={link.createdAt} fallback="—" />
      </td>
      <td data-testid="share-link-state">{STATE_LABELS[link.state]}</td>
      <td>
        <When at={link.expiresAt} fallback="—" />
      </td>
      <td data-testid="share-link-downloads" data-downloads={link.downloads}>
        {link.downloads}
        {link.maxDownloads !== null && ` of ${link.maxDownloads}`}
      </td>
      <td data-testid="share-link-last-used">
        <When at={link.lastUsedAt} fallback="Never" />
      </td>
      <td>
        <button
          type="button"
          className="danger"
          onClick={() => revoke.mutate(link.id)}
          disabled={revoke.isPending}
          aria-label={`Revoke the link created ${created}`}
          data-testid="share-link-revoke"
        >
          {revoke.isPending ? "Revoking…" : "Revoke"}
        </button>
        {revoke.error && (
          <span role="alert" className="error">
            {revoke.error.message}
          </span>
        )}
      </td>
    </tr>
  );
}

/** The file's links that are not revoked: when they expire, how often they were used, and Revoke. */
export function ShareLinkList({ fileId, fileName }: { fileId: string; fileName: string }) {
  const { data, error, isPending } = useShareLinks(fileId);
  if (isPending) return <p className="muted">Loading links…</p>;
  if (error) {
    return (
      <p role="alert" className="error" data-testid="share-links-error">
        Could not load the links: {error.message}
      </p>
    );
  }
  if (data.links.length === 0) return <p data-testid="share-links-empty">No links yet.</p>;
  return (
    <table data-testid="share-links">
      <caption className="visually-hidden">Share links of {fileName}</caption>
      <thead>
        <tr>
          <th scope="col">Created</th>
          <th scope="col">State</th>
          <th scope="col">Expires</th>
          <th scope="col">Downloads</th>
          <th scope="col">Last used</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {data.links.map((link) => (
          <LinkRow key={link.id} link={link} fileId={fileId} />
        ))}
      </tbody>
    </table>
  );
}
