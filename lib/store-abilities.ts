/**
 * What the S3-compatible store behind the bucket can do, as configuration: a preset per store
 * (S3_PROVIDER), each ability overridable on its own (S3_SMALL_UPLOADS, S3_PART_CHECKSUM,
 * S3_CONDITIONAL_WRITE, S3_CONDITIONAL_COPY, S3_POST_CHECKSUM). `npm run s3:setup` tries each against the real
 * bucket and prints what works beside what is configured (docs/storage.md has the table and the
 * sources). Pure: server/env.ts parses the variables with it, server/storage/ and server/uploads/
 * act on the result, the dev script and the bench print it.
 */

export const STORE_PROVIDERS = ["aws", "r2", "b2", "gcs", "minio", "seaweedfs", "other"] as const;
export type StoreProvider = (typeof STORE_PROVIDERS)[number];

/** The checksum each multipart part carries: CRC32 signed into its URL, or none. */
export type PartChecksum = "crc32" | "none";

export type StoreAbilities = {
  /**
   * How files at or under the multipart threshold (and previews) go: a browser POST form (POST
   * Object with a policy) or a presigned PUT (stores without POST Object: R2, B2). A form is a
   * "simple" request, with no CORS preflight; a PUT costs one preflight round trip per file, which
   * on a 40 ms link lost more than its lighter complete (a conditional write to the final key: one
   * ranged GET instead of ranged GET + copy + delete) saved: docs/benchmarks.md, session 10.
   */
  smallUploads: "post" | "put";
  /** The checksum each multipart part carries, signed into its URL and checked by the store on arrival; "none" where the store refuses it. */
  partChecksum: PartChecksum;
  /** PutObject honours `If-None-Match: *` (a second write to the key is refused with 412). */
  conditionalWrite: boolean;
  /** CopyObject honours `x-amz-copy-source-if-match` (the copy is refused when the source changed). */
  conditionalCopy: boolean;
  /**
   * POST Object checks the body against an `x-amz-checksum-sha256` form field the policy binds (a
   * body with another SHA-256 is refused): such a form can write only the bytes it names, so it may
   * name the file's final key, and complete has nothing to copy (server/uploads/complete-post.ts).
   */
  postChecksum: boolean;
};

/** Each store's abilities as its documentation and our tests have them (docs/storage.md). */
export const STORE_PRESETS: { readonly [P in StoreProvider]: StoreAbilities } = {
  aws: { smallUploads: "post", partChecksum: "crc32", conditionalWrite: true, conditionalCopy: true, postChecksum: true },
  minio: { smallUploads: "post", partChecksum: "crc32", conditionalWrite: true, conditionalCopy: true, postChecksum: true },
  r2: { smallUploads: "put", partChecksum: "crc32", conditionalWrite: true, conditionalCopy: true, postChecksum: false },
  b2: { smallUploads: "put", partChecksum: "none", conditionalWrite: false, conditionalCopy: false, postChecksum: false },
  gcs: { smallUploads: "post", partChecksum: "none", conditionalWrite: false, conditionalCopy: false, postChecksum: false },
  // Tried against SeaweedFS 4.53 (the CI's TEST_STORE=seaweedfs run): it checks each part's CRC32 and
  // completes a CRC32 upload once the complete names each part's (its ListParts leaves them out);
  // If-None-Match: * and x-amz-copy-source-if-match both answer 412 when they fail; a form bound to a
  // SHA-256 refuses other bytes (tests/post-checksum.test.ts).
  seaweedfs: { smallUploads: "post", partChecksum: "crc32", conditionalWrite: true, conditionalCopy: true, postChecksum: true },
  // A store we know nothing of: nothing beyond the S3 core is assumed; s3:setup tells what more it takes.
  other: { smallUploads: "post", partChecksum: "none", conditionalWrite: false, conditionalCopy: false, postChecksum: false },
};

/** The store a bucket endpoint belongs to, by its host name; null when the host does not say. */
export function providerOfEndpoint(endpoint: string | undefined): StoreProvider | null {
  if (!endpoint) return "aws";
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return null;
  }
  if (host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn")) return "aws";
  if (host.endsWith(".r2.cloudflarestorage.com")) return "r2";
  if (host.endsWith(".backblazeb2.com")) return "b2";
  if (host === "storage.googleapis.com") return "gcs";
  return null;
}

export type AbilityOverrides = Partial<StoreAbilities>;

/**
 * The abilities the app acts on: the provider's preset (S3_PROVIDER, else the endpoint's host, else
 * "other"), then each override. `source` says where the provider came from, for the banner and s3:setup.
 */
export function resolveStoreAbilities(input: { provider?: StoreProvider; endpoint?: string; overrides: AbilityOverrides }): {
  provider: StoreProvider;
  source: "S3_PROVIDER" | "endpoint" | "default";
  abilities: StoreAbilities;
} {
  const fromEndpoint = providerOfEndpoint(input.endpoint);
  const provider = input.provider ?? fromEndpoint ?? "other";
  const source = input.provider ? "S3_PROVIDER" : fromEndpoint ? "endpoint" : "default";
  const preset = STORE_PRESETS[provider];
  const { smallUploads, partChecksum, conditionalWrite, conditionalCopy, postChecksum } = input.overrides;
  return {
    provider,
    source,
    abilities: {
      smallUploads: smallUploads ?? preset.smallUploads,
      partChecksum: partChecksum ?? preset.partChecksum,
      conditionalWrite: conditionalWrite ?? preset.conditionalWrite,
      conditionalCopy: conditionalCopy ?? preset.conditionalCopy,
      postChecksum: postChecksum ?? preset.postChecksum,
    },
  };
}

/** One line for banners and logs: `minio (S3_PROVIDER): small files by post, parts crc32, conditional write yes, conditional copy yes, form checksum yes`. */
export function describeStoreAbilities(resolved: ReturnType<typeof resolveStoreAbilities>): string {
  const { abilities: a } = resolved;
  const yesNo = (value: boolean) => (value ? "yes" : "no");
  return `${resolved.provider} (${resolved.source}): small files by ${a.smallUploads}, parts ${a.partChecksum}, conditional write ${yesNo(a.conditionalWrite)}, conditional copy ${yesNo(a.conditionalCopy)}, form checksum ${yesNo(a.postChecksum)}`;
}

/** How a variable's value reads: each value it takes and the ability's value it stands for. */
type AbilityVariable = { [A in keyof StoreAbilities]: { ability: A; values: Readonly<Record<string, StoreAbilities[A]>> } }[keyof StoreAbilities];

const FLAG_VALUES = { true: true, false: false, "1": true, "0": false } as const;

/**
 * The one table of the variables that override an ability: which ability each sets and the values
 * it takes. server/env.ts refuses any other value; resolveStoreAbilitiesFromEnv reads them; a new
 * ability's variable is one row here (the test checks every ability has exactly one).
 */
export const ABILITY_OVERRIDE_VARIABLES = {
  S3_SMALL_UPLOADS: { ability: "smallUploads", values: { post: "post", put: "put" } },
  S3_PART_CHECKSUM: { ability: "partChecksum", values: { crc32: "crc32", none: "none" } },
  S3_CONDITIONAL_WRITE: { ability: "conditionalWrite", values: FLAG_VALUES },
  S3_CONDITIONAL_COPY: { ability: "conditionalCopy", values: FLAG_VALUES },
  S3_POST_CHECKSUM: { ability: "postChecksum", values: FLAG_VALUES },
} as const satisfies Record<string, AbilityVariable>;

export type AbilityOverrideVariable = keyof typeof ABILITY_OVERRIDE_VARIABLES;

const OVERRIDE_NAMES = Object.keys(ABILITY_OVERRIDE_VARIABLES) as AbilityOverrideVariable[];

/** The variables that set the store's abilities: S3_PROVIDER's preset and each override. */
export const STORE_ABILITY_VARIABLES = ["S3_PROVIDER", ...OVERRIDE_NAMES] as const;

/** The overrides the variables set; a value the table does not list counts as unset. */
export function abilityOverridesFromEnv(env: Record<string, string | undefined>): AbilityOverrides {
  const overrides: Record<string, StoreAbilities[keyof StoreAbilities]> = {};
  for (const name of OVERRIDE_NAMES) {
    const { ability, values }: AbilityVariable = ABILITY_OVERRIDE_VARIABLES[name];
    const raw = env[name];
    if (raw !== undefined && Object.hasOwn(values, raw)) overrides[ability] = values[raw]!;
  }
  return overrides as AbilityOverrides;
}

/**
 * resolveStoreAbilities from raw variables: the server's, once server/env.ts has refused a bad
 * value, and scripts' that print the configuration without that parse (the dev banner, where a
 * value the server would refuse counts as unset).
 */
export function resolveStoreAbilitiesFromEnv(env: Record<string, string | undefined>): ReturnType<typeof resolveStoreAbilities> {
  return resolveStoreAbilities({
    provider: STORE_PROVIDERS.find((entry) => entry === env.S3_PROVIDER),
    endpoint: env.S3_ENDPOINT || undefined,
    overrides: abilityOverridesFromEnv(env),
  });
}
