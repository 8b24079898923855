"use client";

import { useState } from "react";
import { TokenCreateForm } from "./token-create-form";
import { TokenList } from "./token-list";
import { TokenSecret } from "./token-secret";
import type { CreateTokenResponse } from "@/lib/contracts/api-token-schemas";

/** API tokens on the settings page: create (secret shown once), list, revoke. */
export function TokenSettings() {
  // Held in memory only: leaving or reloading the page drops the secret for good.
  const [created, setCreated] = useState<CreateTokenResponse | null>(null);
  return (
    <>
      {created ? <TokenSecret created={created} onDismiss={() => setCreated(null)} /> : <TokenCreateForm onCreated={setCreated} />}
      <h3>Active tokens</h3>
      <TokenList />
    </>
  );
}
