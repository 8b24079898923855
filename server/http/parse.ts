import "server-only";
import type { z } from "zod";
import { AppError, describeZodError } from "@/lib/contracts/errors";

/** Reads a JSON body and validates it; malformed JSON or a bad field is a 400, never a 500. */
export async function parseJsonBody<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  let raw: unknown;
  try {
    const text = await req.text();
    raw = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "body: must be valid JSON");
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new AppError("bad_request", describeZodError(result.error));
  return result.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A route's `{id}`: anything that is not a uuid cannot name a row, so it is a plain 404. */
export async function fileIdParam(params: Promise<{ id: string }>): Promise<string> {
  const { id } = await params;
  if (!UUID.test(id)) throw new AppError("not_found", "No such file.");
  return id.toLowerCase();
}
