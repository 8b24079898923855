"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { changePassword } from "@/client/api/account-api";
import { LabelledInput } from "@/components/ui/labelled-input";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/contracts/auth-schemas";
import { ErrorText } from "@/components/ui/error-text";

/** What the form says once the password is changed: every other session ended with it. */
function changedMessage(endedSessions: number): string {
  if (endedSessions === 0) return "Password changed.";
  return `Password changed. ${endedSessions} other ${endedSessions === 1 ? "session was" : "sessions were"} signed out.`;
}

/** Changes the password (the current one first); every other session of the account ends, this one stays. */
export function PasswordChangeForm() {
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const mutation = useMutation({
    mutationFn: changePassword,
    onSuccess: () => {
      setCurrentPassword("");
      setNewPassword("");
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    mutation.mutate({ currentPassword, newPassword });
  }

  return (
    // method="post": a submit before hydration must never put a password in the URL.
    <form className="card" method="post" onSubmit={onSubmit} data-testid="password-change-form">
      <LabelledInput
        label="Current password"
        name="currentPassword"
        type="password"
        value={currentPassword}
        onChange={setCurrentPassword}
        required
        maxLength={PASSWORD_MAX_LENGTH}
        autoComplete="current-password"
        testId="current-password-input"
      />
      <LabelledInput
        label="New password"
        name="newPassword"
        type="password"
        value={newPassword}
        onChange={setNewPassword}
        required
        minLength={PASSWORD_MIN_LENGTH}
        maxLength={PASSWORD_MAX_LENGTH}
        autoComplete="new-password"
        testId="new-password-input"
      />
      {mutation.error && (
        <ErrorText testId="password-change-error">
          {mutation.error.message}
        </ErrorText>
      )}
      {mutation.data && (
        <p role="status" data-testid="password-change-done">
          {changedMessage(mutation.data.endedSessions)}
        </p>
      )}
      <button type="submit" disabled={mutation.isPending || currentPassword.length === 0 || newPassword.length < PASSWORD_MIN_LENGTH} data-testid="password-change-button">
        Change password
      </button>
    </form>
  );
}
