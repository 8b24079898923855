import { z } from "zod";

// Control characters (C0 including newlines, DEL, C1) never belong in a label shown to people.
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Characters that change how a label reads without showing themselves: every Unicode format
 * character (general category Cf: the bidirectional embeddings, overrides and isolates
 * U+202A..U+202E and U+2066..U+2069, the marks U+200E, U+200F and U+061C, the zero-width space
 * U+200B, U+2060..U+2064, the byte order mark U+FEFF, the soft hyphen U+00AD, the tag characters
 * U+E0000..U+E007F…) and the line and paragraph separators U+2028 and U+2029. With them
 * `invoice\u202Efdp.png` reads `invoicegnp.pdf`, and one name can pass for another.
 */
const HIDDEN_CHARS = /[\p{Cf}\u2028\u2029]/gu;

/** ZERO WIDTH NON-JOINER and ZERO WIDTH JOINER: how Persian, Indic scripts and emoji sequences (👩‍💻) are spelled. */
const JOINERS = new Set(["\u200c", "\u200d"]);

/**
 * A joiner is part of the text when both neighbours are non-ASCII (letters of those scripts, or
 * emoji); between ASCII characters, or at either end, it only hides a difference.
 */
function isSpellingJoiner(text: string, index: number): boolean {
  if (!JOINERS.has(text[index]!)) return false;
  const before = text.charCodeAt(index - 1);
  const after = text.charCodeAt(index + 1);
  return before > 0x7f && after > 0x7f;
}

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * Why `text` can't be a name people read (a file's, a folder's, a token's, a person's), or null:
 * no control characters, and no character from HIDDEN_CHARS except a joiner inside a word of a
 * script or an emoji that needs it. The one rule for every name the API stores.
 */
export function nameCharacterProblem(text: string): string | null {
  if (CONTROL_CHARS.test(text)) return "must not contain control characters";
  for (const match of text.matchAll(HIDDEN_CHARS)) {
    if (!isSpellingJoiner(text, match.index)) return `must not contain invisible or text-direction characters (${codePoint(match[0])})`;
  }
  return null;
}

/** `schema` refined by nameCharacterProblem, its message naming the character. */
export function withNameCharacters<S extends z.ZodType<string>>(schema: S) {
  return schema.superRefine((text, ctx) => {
    const problem = nameCharacterProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** A name people read (a file's, a token's): trimmed, 1..maxLength, and nameCharacterProblem's rule. */
export function displayNameSchema(maxLength: number) {
  return withNameCharacters(z.string().trim().min(1, "must not be empty").max(maxLength, `must be at most ${maxLength} characters`));
}
