import "server-only";
import { z } from "zod";
import { AppError } from "@/server/http/app-error";
import { MAX_PARTS } from "@/lib/part-plan";
import { isUuid } from "./parse";

/** Turns one raw path segment into the value a handler sees, or throws the AppError to answer. */
export type ParamParser<T> = (raw: string) => T;

/** `[id]`: anything that is not a uuid cannot name a row, so it is a plain 404 (lowercased, as stored). */
function idParam(notFound: string): ParamParser<string> {
  return (raw) => {
    if (!isUuid(raw)) throw new AppError("not_found", notFound);
    return raw.toLowerCase();
  };
}

/** The `[id]` of a file item (uploaded or pending). */
export const fileIdParam = idParam("No such file.");

/** The `[id]` of an API token. */
export const tokenIdParam = idParam("No such token.");

const partNumberSchema = z.coerce.number().int().min(1).max(MAX_PARTS);

/** `[n]`: a part number, as JavaScript reads the number (`"01"` and `"1e3"` count). */
export const partNumberParam: ParamParser<number> = (raw) => {
  const n = partNumberSchema.safeParse(raw);
  if (!n.success) throw new AppError("bad_request", `n: must be a part number from 1 to ${MAX_PARTS}`);
  return n.data;
};
