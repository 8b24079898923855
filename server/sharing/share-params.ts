import "server-only";
import { AppError } from "@/server/http/app-error";
import type { ParamParser } from "@/server/http/params";
import { isUuid } from "@/server/http/parse";

/** The `[id]` of a share link: anything that is not a uuid cannot name one, so it is a plain 404. */
export const linkIdParam: ParamParser<string> = (raw) => {
  if (!isUuid(raw)) throw new AppError("not_found", "No such link.");
  return raw.toLowerCase();
};

/**
 * The `[token]` of `/s/<token>`, as it came: never refused here, so a malformed token takes the
 * same hash and lookup as a real one and gets the same 404.
 */
export const shareTokenParam: ParamParser<string> = (raw) => raw;
