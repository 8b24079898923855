import "server-only";
/**
 * `Content-Disposition: attachment` for a stored display name (RFC 6266, with RFC 5987's
 * `filename*` for non-ASCII names). Names come from people, so the header must stay safe for any
 * input: no path, no control or bidi characters, nothing that could end the quoted string.
 */

// C0/C1 controls, and the bidi overrides that make "gnp.exe" display as "exe.png".
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Lone UTF-16 surrogates: encodeURIComponent throws on them.
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Outside printable ASCII, plus what a quoted-string or a percent-decoding browser would misread.
const NOT_SAFE_ASCII = /[^\x20-\x7e]|["\\%]/g;

/** Used when nothing of the name survives cleaning. */
export const FALLBACK_FILE_NAME = "download";

/** The last path segment, without control characters; never empty, never `.` or `..`. */
export function safeBaseName(name: string): string {
  const cleaned = name.replace(LONE_SURROGATES, "\uFFFD").replace(UNSAFE_CHARS, "");
  const base = (cleaned.split(/[/\\]/).pop() ?? "").trim();
  return base === "" || base === "." || base === ".." ? FALLBACK_FILE_NAME : base;
}

/** RFC 5987 attr-chars stay; everything else is percent-encoded UTF-8 (encodeURIComponent leaves `'()*` as is). */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function disposition(kind: "attachment" | "inline", name: string): string {
  const base = safeBaseName(name);
  const ascii = base.replace(NOT_SAFE_ASCII, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(base)}`;
}

export function attachmentDisposition(name: string): string {
  return disposition("attachment", name);
}

/** `inline` with the same cleaned names (what "Save as" offers); only for media the server has checked. */
export function inlineDisposition(name: string): string {
  return disposition("inline", name);
}
