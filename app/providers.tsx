"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";

export function Providers({ children }: { children: ReactNode }) {
  // One client per browser tab, created on first render (see TanStack's nextjs-app example).
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 10_000 } } }));
  // No next-auth SessionProvider: the header reads the session on the server, and the provider's
  // first /api/auth/session fetch races signIn() for the CSRF cookie on a fresh browser.
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
