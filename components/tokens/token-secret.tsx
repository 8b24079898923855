"use client";

import { CopyButton, ShownOncePanel } from "@/components/ui/copy-panel";
import type { CreateTokenResponse } from "@/lib/contracts/api-token-schemas";

/** The new token's secret, shown this once: the server keeps only its hash. */
export function TokenSecret({ created, onDismiss }: { created: CreateTokenResponse; onDismiss: () => void }) {
  return (
    <ShownOncePanel testId="token-secret-panel">
      <p>
        <strong>Copy the token “{created.token.name}” now.</strong> It will not be shown again; if you lose it, revoke it
        and create another.
      </p>
      <p>
        <code data-testid="token-secret">{created.secret}</code>
      </p>
      <p>
        Send it as <code>Authorization: Bearer &lt;token&gt;</code>.
      </p>
      <p className="queue-row-actions">
        <CopyButton text={created.secret} testId="token-copy-button" />
        <button type="button" onClick={onDismiss} data-testid="token-secret-dismiss">
          Done
        </button>
      </p>
    </ShownOncePanel>
  );
}
