import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";

/** What one request to next-auth's routes learnt while next-auth ran: the email a password proved. */
export type SignInScope = { passwordSignIn: { email: string } | null };

const scopes = new AsyncLocalStorage<SignInScope>();

/** Runs next-auth for one request with a scope that `authorize` can write to (the auth route's wrapper). */
export function withSignInScope<T>(run: () => Promise<T>): Promise<{ result: T; scope: SignInScope }> {
  const scope: SignInScope = { passwordSignIn: null };
  return scopes.run(scope, async () => ({ result: await run(), scope }));
}

/** Records, for the auth route, that this request's password proved right for `email`. */
export function notePasswordSignIn(email: string): void {
  const scope = scopes.getStore();
  if (scope) scope.passwordSignIn = { email };
}
