import "server-only";
import { contentMismatch } from "@/server/uploads/content-sniff";
import { hasSignatureOf } from "@/server/uploads/signatures";

/**
 * Why a preview's first bytes are not an image of `type`, or null when they are: the type's own
 * signature is required (RIFF…WEBP, FF D8 FF), and nothing file-type recognises as another format.
 */
export async function previewBytesProblem(bytes: Uint8Array, type: string): Promise<string | null> {
  if (hasSignatureOf(type, bytes) !== true) return `The preview does not start like ${type}.`;
  return contentMismatch(bytes, type);
}
