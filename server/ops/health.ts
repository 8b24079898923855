import "server-only";
import { pingDatabase } from "@/db/queries/health";
import { getEnv } from "@/server/env";
import { compareAbilities, probeStore } from "@/server/storage/ability-probes";
import { bucketReachable } from "@/server/storage/bucket";
import { PROBE_PREFIX } from "@/server/uploads/object-keys";

/** `storeAbilities`: whether the configured store abilities held when last tried ("unchecked" while the bucket is unreachable). */
export type Health = {
  ok: boolean;
  database: "ok" | "unreachable";
  storage: "ok" | "unreachable";
  storeAbilities: "as configured" | "differ" | "unchecked";
};

/** How long one instance trusts its last probe of the store: the probe writes a few tiny objects. */
const PROBE_TTL_MS = 60 * 60 * 1000;

const globalForProbe = globalThis as unknown as { __storeProbe?: { at: number; matches: Promise<boolean> } };

/**
 * Whether the configured abilities hold on the store, tried once per instance an hour (the light
 * form of `npm run s3:setup`); what differs is logged here, never answered (the health answer is public).
 */
function abilitiesHold(): Promise<boolean> {
  const cached = globalForProbe.__storeProbe;
  if (cached && Date.now() - cached.at < PROBE_TTL_MS) return cached.matches;
  const matches = probeStore(PROBE_PREFIX).then((probe) => {
    const { problems } = compareAbilities(getEnv().storeAbilities, probe);
    for (const problem of problems) console.error(`[health] store ability: ${problem} (npm run s3:setup tells more)`);
    return problems.length === 0;
  });
  globalForProbe.__storeProbe = { at: Date.now(), matches };
  // A failed probe is tried again on the next check, not kept for an hour.
  matches.catch(() => {
    if (globalForProbe.__storeProbe?.matches === matches) delete globalForProbe.__storeProbe;
  });
  return matches;
}

/** Are the database and the bucket reachable, and does the store do what it is configured to? No detail beyond that: the answer is public. */
export async function checkHealth(): Promise<Health> {
  const [database, storage] = await Promise.all([pingDatabase(), bucketReachable()]);
  const abilities = storage ? await abilitiesHold().catch(() => null) : null;
  const storeAbilities = abilities === null ? "unchecked" : abilities ? "as configured" : "differ";
  return {
    ok: database && storage && abilities === true,
    database: database ? "ok" : "unreachable",
    storage: storage ? "ok" : "unreachable",
    storeAbilities,
  };
}
