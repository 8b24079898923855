"use client";

import { useEffect, useRef, useState } from "react";
import { ErrorText } from "./error-text";

type Props = {
  /** The first button's text: "Revoke". */
  label: string;
  /** What is acted on, for the first button's accessible name and the confirm group: "Revoke nightly backup". */
  ariaLabel: string;
  /** The button that does it: "Revoke now". */
  confirmLabel: string;
  /** The button that backs out: "Keep". */
  cancelLabel: string;
  /** The confirm button's text while the request runs: "Revoking…". */
  pendingLabel: string;
  /** `<prefix>-button`, `<prefix>-confirm` and `<prefix>-cancel`. */
  testIdPrefix: string;
  onConfirm: () => void;
  pending: boolean;
  error: Error | null;
};

/**
 * An action that cannot be undone asks once more in place: the button turns into "do it" and
 * "keep". Focus follows (to the confirm button, and back to the first button on cancel), so a
 * keyboard or screen-reader user lands where the choice is.
 */
export function ConfirmButton({ label, ariaLabel, confirmLabel, cancelLabel, pendingLabel, testIdPrefix, onConfirm, pending, error }: Props) {
  const [confirming, setConfirming] = useState(false);
  const askRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const backedOut = useRef(false);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
    else if (backedOut.current) askRef.current?.focus();
  }, [confirming]);
  return (
    <>
      {/* While confirming, the pair is a group named after the question, so a screen reader reads both choices in context. */}
      <div className="queue-row-actions" role={confirming ? "group" : undefined} aria-label={confirming ? `${ariaLabel}?` : undefined}>
        {confirming ? (
          <>
            <button type="button" ref={confirmRef} onClick={onConfirm} disabled={pending} data-testid={`${testIdPrefix}-confirm`}>
              {pending ? pendingLabel : confirmLabel}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                backedOut.current = true;
                setConfirming(false);
              }}
              data-testid={`${testIdPrefix}-cancel`}
            >
              {cancelLabel}
            </button>
          </>
        ) : (
          <button type="button" ref={askRef} className="secondary" onClick={() => setConfirming(true)} aria-label={ariaLabel} data-testid={`${testIdPrefix}-button`}>
            {label}
          </button>
        )}
      </div>
      {error && (
        <ErrorText as="span">
          {error.message}
        </ErrorText>
      )}
    </>
  );
}
