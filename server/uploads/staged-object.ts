import "server-only";
import { getEnv } from "@/server/env";
import { copyObject, copyObjectIfMatch, deleteObject, readObjectStart, type ObjectStart } from "@/server/storage/objects";
import { SNIFF_BYTES } from "./content-sniff";

/** What placing a staged object came to; a refusal of the stored bytes is `check`'s own error, thrown. */
export type Placement = "placed" | "missing" | "changed";

/**
 * Places what a browser wrote at a staging key (a POST form's, a staged PUT's, a preview's) on
 * `target`, a key only the server writes, so that the object served is the object checked. `check`
 * gets the object's size, type and first bytes from one ranged GET and throws to refuse it.
 *
 * Where CopyObject honours `x-amz-copy-source-if-match` (S3_CONDITIONAL_COPY): the staging object
 * is read and checked, then copied only if it is still the version checked ("changed" otherwise).
 * Elsewhere the copy comes first and the copy is read and checked: the browser cannot write
 * `target`, so what it writes to the staging key afterwards changes nothing checked. A copy that
 * fails its check is removed before the refusal goes on. "missing": nothing is staged yet.
 * A file's complete holds its claim meanwhile, so no other request writes `target`. Two completes
 * of one preview (which has no claim) could each copy before either checks: a copy refused by its
 * own check is removed, so the served key ends with checked bytes or none, though for the moment
 * between that copy and its check it holds bytes not yet checked, served only as the planned image
 * type.
 */
export async function placeStagedObject({ staging, target, check }: { staging: string; target: string; check: (stored: ObjectStart) => Promise<void> }): Promise<Placement> {
  if (getEnv().storeAbilities.conditionalCopy) {
    const stored = await readObjectStart(staging, SNIFF_BYTES);
    if (!stored) return "missing";
    await check(stored);
    return stored.etag && (await copyObjectIfMatch({ source: staging, target, etag: stored.etag })) ? "placed" : "changed";
  }
  if (!(await copyObject({ source: staging, target }))) return "missing";
  const copied = await readObjectStart(target, SNIFF_BYTES);
  // Removed meanwhile (the upload was given up on): nothing is placed.
  if (!copied) return "missing";
  try {
    await check(copied);
  } catch (err) {
    await deleteObject(target).catch((deleteErr: unknown) => console.error("Removing a refused copy failed; cleanup will retry", { key: target, err: deleteErr }));
    throw err;
  }
  return "placed";
}
