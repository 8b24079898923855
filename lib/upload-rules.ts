import { nameCharacterProblem } from "@/lib/contracts/display-name";

/** Default allowlist: the 2017 seed's types (images, video and MP3), as MIME types. */
export const DEFAULT_ALLOWED_TYPES =
  "image/jpeg,image/png,image/gif,video/quicktime,video/mp4,video/mpeg,video/x-msvideo,audio/mpeg";
/**
 * Which files may be uploaded: the same pure check runs in the browser (so rejected files are
 * never requested) and on the server (which is the one that counts).
 */

/** Extensions each allowed MIME type may carry; the key's extension comes from this table. */
export const EXTENSIONS_BY_TYPE: Record<string, readonly string[]> = {
  "image/jpeg": ["jpg", "jpeg", "jpe"],
  "image/png": ["png"],
  "image/gif": ["gif"],
  "image/webp": ["webp"],
  "image/avif": ["avif"],
  "image/heic": ["heic"],
  "image/svg+xml": ["svg"],
  "video/quicktime": ["mov", "qt"],
  "video/mp4": ["mp4", "m4v"],
  "video/mpeg": ["mpeg", "mpg", "mpe"],
  "video/x-msvideo": ["avi"],
  "video/webm": ["webm"],
  "audio/mpeg": ["mp3", "mpga"],
  "audio/wav": ["wav"],
  "audio/ogg": ["ogg", "oga"],
  "application/pdf": ["pdf"],
  "application/zip": ["zip"],
  "application/octet-stream": ["bin"],
  "text/plain": ["txt"],
  "text/csv": ["csv"],
};

export type UploadRules = { allowedTypes: string[]; maxBytes: number };

export type UploadCandidate = { name: string; size: number; type: string };

export type RuleViolation = { code: "bad_request" | "too_large" | "unsupported_type"; message: string };

export const MAX_NAME_LENGTH = 255;

export function parseAllowedTypes(setting: string): string[] {
  return setting
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}

/** `image/*` matches any image type; otherwise the MIME type must be listed exactly. */
export function isTypeAllowed(type: string, allowed: readonly string[]): boolean {
  const normalized = type.trim().toLowerCase();
  return allowed.some((pattern) =>
    pattern.endsWith("/*") ? normalized.startsWith(pattern.slice(0, -1)) && normalized.length > pattern.length - 1 : pattern === normalized,
  );
}

/** The lower-cased extension after the last dot, or "" (names like ".bashrc" have none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || dot === name.length - 1) return "";
  return name.slice(dot + 1).toLowerCase();
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/**
 * Null when `name` may name a file of `type`, else why not: not blank, at most MAX_NAME_LENGTH, no
 * control, invisible or text-direction characters (lib/contracts/display-name.ts), and an
 * extension the type's table lists, so `evil.html` or `a.svg` can never name an `image/png`. Create
 * and rename both check a name with it.
 */
export function checkFileName(name: string, type: string): RuleViolation | null {
  return nameViolation(name) ?? extensionViolation(name, type);
}

function nameViolation(name: string): RuleViolation | null {
  if (name.trim().length === 0) return { code: "bad_request", message: "name: must not be empty" };
  if (name.length > MAX_NAME_LENGTH) return { code: "bad_request", message: `name: must be at most ${MAX_NAME_LENGTH} characters` };
  const characters = nameCharacterProblem(name);
  return characters ? { code: "bad_request", message: `name: ${characters}` } : null;
}

function extensionViolation(name: string, type: string): RuleViolation | null {
  const normalized = type.trim().toLowerCase();
  const ext = extensionOf(name);
  if (EXTENSIONS_BY_TYPE[normalized]?.includes(ext)) return null;
  return { code: "unsupported_type", message: `The extension ".${ext}" does not match the type ${normalized}.` };
}

/**
 * Null when the file may be uploaded, else why not: its name (checkFileName's rules, the name's
 * own first), its size, then its type against the allowlist.
 */
export function checkUpload(file: UploadCandidate, rules: UploadRules): RuleViolation | null {
  const named = nameViolation(file.name);
  if (named) return named;
  if (file.size > rules.maxBytes) {
    return { code: "too_large", message: `The file is ${formatBytes(file.size)}; the limit is ${formatBytes(rules.maxBytes)}.` };
  }
  const type = file.type.trim().toLowerCase();
  if (!type || !isTypeAllowed(type, rules.allowedTypes)) {
    return { code: "unsupported_type", message: `Files of type ${type || "unknown"} are not allowed.` };
  }
  return extensionViolation(file.name, type);
}

/** The key's extension: taken from the allowlist table, never copied from user input. */
export function safeExtension(name: string, type: string): string {
  const ext = extensionOf(name);
  const known = EXTENSIONS_BY_TYPE[type.trim().toLowerCase()];
  return known?.includes(ext) ? `.${ext}` : "";
}
