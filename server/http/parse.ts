import "server-only";
import type { z } from "zod";
import { describeZodError } from "@/lib/contracts/errors";
import { AppError } from "@/server/http/app-error";
import { MIB } from "@/lib/units";

/** A route's body cap unless it declares its own: far above any JSON body this API expects. */
export const DEFAULT_MAX_BODY_BYTES = MIB;

function tooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large", `The request body must be at most ${maxBytes} bytes.`);
}

/**
 * The body's bytes, never holding more than `maxBytes` of them: a declared Content-Length over the
 * cap is refused before a byte is read, and a body without one (chunked) is counted as it streams
 * and cancelled at the first byte past the cap. Either way the answer is 413 `payload_too_large`.
 */
export async function readBodyBytes(req: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    await req.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Reads a JSON body of at most `maxBytes` and validates it; malformed JSON or a bad field is a 400, never a 500. */
export async function parseJsonBody<T extends z.ZodType>(req: Request, schema: T, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<z.infer<T>> {
  const bytes = await readBodyBytes(req, maxBytes);
  let raw: unknown;
  try {
    const text = new TextDecoder().decode(bytes);
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
