"use client";

import { useState, type ReactNode } from "react";

/** Copies `text` to the clipboard and says so; where the clipboard is refused, the text stays selectable. */
export function CopyButton({ text, testId }: { text: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      // Clipboard access can be refused (permissions, insecure origin).
    }
  };
  return (
    <button type="button" className="secondary" onClick={copy} data-testid={testId}>
      {copied ? "Copied" : "Copy"}
    </button>
  );
}

/**
 * A secret the server shows this once (it keeps only a hash): announced politely when it appears,
 * with a CopyButton among its children.
 */
export function ShownOncePanel({ testId, children }: { testId: string; children: ReactNode }) {
  return (
    <div role="status" className="card" data-testid={testId}>
      {children}
    </div>
  );
}
