import "server-only";
import { timingSafeEqual } from "node:crypto";
import { getCurrentUser, type CurrentUser } from "@/server/auth/auth";
import { AppError } from "@/server/http/app-error";
import { getEnv } from "@/server/env";
import { assertSameOriginRequest, changesState } from "./csrf";

/** Who each auth mode lets through, as the handler receives them. */
type Callers = {
  /** An API token (`Authorization: Bearer upl_…`) or the session cookie; see getCurrentUser. */
  user: CurrentUser;
  /** The session cookie only: any Bearer is 403, so a leaked token can't mint or revoke tokens. */
  session: CurrentUser;
  /** Anyone; a state-changing request must still pass the cross-site checks (server/http/csrf.ts). */
  public: null;
  /** The serverless cron job: `Authorization: Bearer <CRON_SECRET>`; while CRON_SECRET is unset, 404. */
  cron: null;
};

export type AuthMode = keyof Callers;
export type CallerOf<M extends AuthMode> = Callers[M];

function authorizeCron(req: Request): void {
  const secret = getEnv().CRON_SECRET;
  if (!secret) throw new AppError("not_found", "Not found.");
  const given = Buffer.from(req.headers.get("authorization") ?? "");
  const expected = Buffer.from(`Bearer ${secret}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError("unauthorized");
}

const AUTHENTICATORS: { [M in AuthMode]: (req: Request) => Promise<Callers[M]> } = {
  user: (req) => getCurrentUser(req),
  session: (req) => getCurrentUser(req, { allowApiToken: false }),
  // A read reads no configuration here: health must answer 503, not 500, when the environment is broken.
  public: async (req) => {
    if (changesState(req)) assertSameOriginRequest(req, getEnv().APP_URL);
    return null;
  },
  cron: async (req) => {
    authorizeCron(req);
    return null;
  },
};

/** The request's caller under the route's auth mode, or the AppError (401 / 403 / 404 / 415) to answer. */
export function authenticate<M extends AuthMode>(mode: M, req: Request): Promise<CallerOf<M>> {
  return AUTHENTICATORS[mode](req);
}
