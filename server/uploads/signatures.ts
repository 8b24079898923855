import "server-only";

type Signature = (bytes: Uint8Array) => boolean;

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) => prefix.every((byte, i) => bytes[at + i] === byte);
const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

/** ISO BMFF (MP4, QuickTime): the first box is one of these, its type at bytes 4..8. */
const BMFF_FIRST_BOXES = ["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "uuid"].map(ascii);

/** MPEG audio frame sync: 11 set bits, then a version and a layer that are not "reserved". */
const mpegAudioFrame: Signature = (b) => b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0 && ((b[1] ?? 0) & 0x06) !== 0 && ((b[1] ?? 0) & 0x18) !== 0x08;

/**
 * The leading bytes every file of these types starts with, for the types whose format has one.
 * file-type recognises real files of each; this is the floor for bytes it cannot name (a PNG
 * signature followed by a damaged chunk still starts like a PNG, HTML never does).
 */
const SIGNATURES: Array<{ types: string[]; matches: Signature }> = [
  { types: ["image/jpeg"], matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { types: ["image/png", "image/apng"], matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { types: ["image/gif"], matches: (b) => startsWith(b, ascii("GIF87a")) || startsWith(b, ascii("GIF89a")) },
  // RIFF, a 4-byte length, then WEBP: what every preview made as WebP starts with.
  { types: ["image/webp"], matches: (b) => startsWith(b, ascii("RIFF")) && startsWith(b, ascii("WEBP"), 8) },
  {
    types: ["video/mp4", "video/quicktime", "video/x-m4v", "audio/mp4", "audio/x-m4a", "video/3gpp"],
    matches: (b) => BMFF_FIRST_BOXES.some((box) => startsWith(b, box, 4)),
  },
  { types: ["video/x-msvideo", "video/vnd.avi", "video/avi"], matches: (b) => startsWith(b, ascii("RIFF")) && startsWith(b, ascii("AVI "), 8) },
  {
    // A program stream pack header, a video sequence header, or a transport stream's sync bytes.
    types: ["video/mpeg", "video/mp2p", "video/mp1s", "video/mp2t"],
    matches: (b) => startsWith(b, [0, 0, 1, 0xba]) || startsWith(b, [0, 0, 1, 0xb3]) || (b[0] === 0x47 && b[188] === 0x47),
  },
  // An ID3v2 tag (which may hold cover art well past the bytes read) or a raw MPEG audio frame.
  { types: ["audio/mpeg", "audio/mp3"], matches: (b) => startsWith(b, ascii("ID3")) || mpegAudioFrame(b) },
];

/**
 * Whether `bytes` start the way files of `type` must, or null when the type has no signature
 * this table knows (text/plain, say), so the caller cannot demand one.
 */
export function hasSignatureOf(type: string, bytes: Uint8Array): boolean | null {
  const entry = SIGNATURES.find((signature) => signature.types.includes(type.toLowerCase()));
  return entry ? entry.matches(bytes) : null;
}
