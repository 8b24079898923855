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
  return validate(schema, raw);
}

/**
 * Reads the query string the way a query schema expects: the first value of each key the schema
 * names (nothing else), an empty value counting as absent; a bad field is a 400 naming it.
 */
export function parseQuery<T extends z.ZodObject>(url: URL, schema: T): z.infer<T> {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = url.searchParams.get(key);
    if (value !== null && value !== "") raw[key] = value;
  }
  return validate(schema, raw);
}

function validate<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const result = schema.safeParse(raw);
  if (!result.success) throw new AppError("bad_request", describeZodError(result.error));
  return result.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
