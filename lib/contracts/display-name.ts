import { z } from "zod";

// Control characters (C0 including newlines, DEL, C1) never belong in a label shown to people.
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** A name people read (a file's, a token's): trimmed, 1..maxLength, no control characters. */
export function displayNameSchema(maxLength: number) {
  return z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(maxLength, `must be at most ${maxLength} characters`)
    .refine((name) => !CONTROL_CHARS.test(name), "must not contain control characters");
}
