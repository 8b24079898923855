import { afterAll, beforeAll } from "vitest";
import type { StoreAbilities } from "@/lib/store-abilities";
import { getEnv } from "@/server/env";

/**
 * Runs the describe block's tests (this file's worker only) with these store abilities over the
 * preset's, as the S3_* overrides would set them: a file about POST forms pins
 * `{ smallUploads: "post" }`, so it tests forms whichever store (TEST_STORE) and preset it runs on.
 */
export function withAbilities(abilities: Partial<StoreAbilities>) {
  let saved: StoreAbilities;
  beforeAll(() => {
    const env = getEnv();
    saved = env.storeAbilities;
    env.storeAbilities = { ...saved, ...abilities };
  });
  afterAll(() => {
    getEnv().storeAbilities = saved;
  });
}

/**
 * For a file whose small files must go as POST forms (its tests post forms, or its fixtures are
 * form uploads), whatever the store's preset says; the PUT strategy has its own file,
 * tests/put-uploads.test.ts.
 */
export function withPostForms() {
  withAbilities({ smallUploads: "post" });
}
