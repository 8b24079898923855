"use client";

import { useState } from "react";
import type { CreateTokenResponse } from "@/lib/contracts/api-token-schemas";

/** The new token's secret, shown this once: the server keeps only its hash. */
export function TokenSecret({ created, onDismiss }: { created: CreateTokenResponse; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);

  async function copy() {
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied(true);
    } catch {
      // Clipboard access can be refused (permissions, insecure origin); the secret stays selectable.
    }
  }

  return (
    <div role="status" className="card" data-testid="token-secret-panel">
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
        <button type="button" className="secondary" onClick={copy} data-testid="token-copy-button">
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" onClick={onDismiss} data-testid="token-secret-dismiss">
          Done
        </button>
      </p>
    </div>
  );
}
