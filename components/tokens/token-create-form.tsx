"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { createToken } from "@/client/api/tokens-api";
import { TOKENS_QUERY_KEY } from "@/components/query-keys";
import { LabelledInput } from "@/components/ui/labelled-input";
import { MAX_TOKEN_NAME_LENGTH, type CreateTokenResponse } from "@/lib/contracts/api-token-schemas";
import { ErrorText } from "@/components/ui/error-text";

/** Names and mints a token; hands the one-time answer (with the secret) to the parent. */
export function TokenCreateForm({ onCreated }: { onCreated: (created: CreateTokenResponse) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const mutation = useMutation({
    mutationFn: createToken,
    onSuccess: (created) => {
      setName("");
      onCreated(created);
      void queryClient.invalidateQueries({ queryKey: TOKENS_QUERY_KEY });
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    mutation.mutate(name);
  }

  return (
    // method="post": a submit before hydration must not put the name in the URL.
    <form className="card" method="post" onSubmit={onSubmit} data-testid="token-create-form">
      <LabelledInput
        label="Token name"
        name="name"
        value={name}
        onChange={setName}
        required
        maxLength={MAX_TOKEN_NAME_LENGTH}
        placeholder="e.g. backup script on nas"
        autoComplete="off"
        testId="token-name-input"
      />
      {mutation.error && (
        <ErrorText testId="token-create-error">
          {mutation.error.message}
        </ErrorText>
      )}
      <button type="submit" disabled={mutation.isPending || name.trim().length === 0} data-testid="token-create-button">
        Create token
      </button>
    </form>
  );
}
