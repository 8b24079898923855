"use client";

import { useState, type FormEvent } from "react";
import { describeZodError } from "@/lib/contracts/errors";
import { createShareLinkBodySchema, SHARE_LINK_DEFAULT_HOURS, SHARE_LINK_MAX_DOWNLOADS, type CreateShareLinkResponse } from "@/lib/contracts/share-link-schemas";
import { CopyButton, ShownOncePanel } from "@/components/ui/copy-panel";
import { LabelledInput } from "@/components/ui/labelled-input";
import { LabelledSelect, type SelectOption } from "@/components/ui/labelled-select";
import { ErrorText } from "@/components/ui/error-text";
import { useCreateShareLink } from "./use-share-links";

const EXPIRY_CHOICES: ReadonlyArray<SelectOption<number>> = [
  [1, "1 hour"],
  [24, "1 day"],
  [SHARE_LINK_DEFAULT_HOURS, "7 days"],
  [30 * 24, "30 days"],
] as const;

/** The new link's URL, shown this once: the server keeps only a hash of its token. */
function CreatedLink({ created }: { created: CreateShareLinkResponse }) {
  return (
    <ShownOncePanel testId="share-created">
      <p>
        <strong>Copy the link now.</strong> It will not be shown again; anyone with it can download the file until it expires or you revoke it.
      </p>
      <p className="rename-form">
        <input readOnly aria-label="New share link" value={created.link.url} size={60} data-testid="share-url" onFocus={(e) => e.currentTarget.select()} />
        <CopyButton text={created.link.url} testId="share-copy" />
      </p>
    </ShownOncePanel>
  );
}

/** Expiry and an optional download limit, then Create; the new URL appears below. */
export function ShareLinkForm({ fileId }: { fileId: string }) {
  const create = useCreateShareLink(fileId);
  const [hours, setHours] = useState<number>(SHARE_LINK_DEFAULT_HOURS);
  const [limit, setLimit] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = createShareLinkBodySchema.safeParse({ expiresInHours: hours, maxDownloads: limit.trim() === "" ? null : Number(limit) });
    if (!parsed.success) return setInvalid(describeZodError(parsed.error));
    setInvalid(null);
    create.mutate(parsed.data);
  };
  const message = invalid ?? create.error?.message ?? null;
  return (
    <>
      <form className="library-toolbar" onSubmit={submit} data-testid="share-form">
        <LabelledSelect label="Expires after" value={hours} options={EXPIRY_CHOICES} onChange={setHours} testId="share-expiry" />
        <LabelledInput
          label="Download limit (optional)"
          type="number"
          inputMode="numeric"
          min={1}
          max={SHARE_LINK_MAX_DOWNLOADS}
          step={1}
          placeholder="No limit"
          value={limit}
          onChange={setLimit}
          testId="share-limit"
        />
        <button type="submit" disabled={create.isPending} data-testid="share-create">
          {create.isPending ? "Creating…" : "Create link"}
        </button>
      </form>
      {message && (
        <ErrorText testId="share-error">
          {message}
        </ErrorText>
      )}
      {create.data && <CreatedLink created={create.data} />}
    </>
  );
}
