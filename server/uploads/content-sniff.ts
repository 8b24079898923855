import "server-only";
import { fileTypeFromBuffer } from "file-type";
import { hasSignatureOf } from "./signatures";

/** How many leading bytes the check reads; file-type needs at most about 4 KiB. */
export const SNIFF_BYTES = 4100;

/** Types that share a container, so either name is honest for these bytes. */
const FAMILIES: string[][] = [
  ["video/mp4", "video/x-m4v", "video/quicktime", "audio/mp4", "audio/x-m4a", "video/3gpp"],
  ["video/x-msvideo", "video/vnd.avi", "video/avi"],
  ["video/mpeg", "video/mp2t", "video/mp1s", "video/mp2p"],
  ["audio/wav", "audio/vnd.wave", "audio/x-wav"],
  ["audio/ogg", "audio/opus", "video/ogg", "application/ogg"],
];

function compatible(declared: string, detected: string): boolean {
  if (declared === detected || declared === "application/octet-stream") return true;
  return FAMILIES.some((family) => family.includes(declared) && family.includes(detected));
}

/**
 * Markup a browser would run if it ever rendered the bytes. file-type leaves text formats to the
 * caller on purpose, so this one case is checked here: HTML, SVG or XML at the very start.
 */
const ACTIVE_MARKUP = /^(?:\ufeff)?\s*<(?:!doctype|html|head|body|script|svg|iframe|\?xml)\b/i;
const MARKUP_TYPES = new Set(["text/html", "image/svg+xml", "text/xml", "application/xml"]);

/**
 * Why the first bytes of a stored object contradict its declared type, or null when they don't.
 * Bytes recognisably of another format fail; so do bytes without the signature of a declared type
 * that has one (every type of the default allowlist: HTML declared as PNG starts with no PNG
 * signature). A type without a signature (text/plain) only refuses active markup unless it is a
 * markup type itself.
 */
export async function contentMismatch(bytes: Uint8Array, declaredType: string): Promise<string | null> {
  const declared = declaredType.toLowerCase();
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) {
    // file-type names some types in capitals (video/MP2P).
    const mime = detected.mime.toLowerCase();
    return compatible(declared, mime) ? null : `The file's contents are ${mime}, not ${declared}.`;
  }
  if (declared === "application/octet-stream") return null;
  if (!declared.startsWith("text/") && !MARKUP_TYPES.has(declared)) {
    const head = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, 512));
    if (ACTIVE_MARKUP.test(head)) return `The file's contents are markup (HTML, SVG or XML), not ${declared}.`;
  }
  if (hasSignatureOf(declared, bytes) === false) return `The file's contents do not start like ${declared}.`;
  return null;
}
