import { describe, expect, it } from "vitest";
import {
  ABILITY_OVERRIDE_VARIABLES,
  describeStoreAbilities,
  providerOfEndpoint,
  resolveStoreAbilities,
  resolveStoreAbilitiesFromEnv,
  STORE_ABILITY_VARIABLES,
  STORE_PRESETS,
} from "./store-abilities";

/** Every row of the variable table as [variable, ability, raw value, the ability's value]. */
const OVERRIDE_CASES = Object.entries(ABILITY_OVERRIDE_VARIABLES).flatMap(([name, { ability, values }]) =>
  Object.entries(values).map(([raw, value]) => [name, ability, raw, value] as const),
);

describe("providerOfEndpoint", () => {
  it.each([
    [undefined, "aws"],
    ["https://s3.eu-west-1.amazonaws.com", "aws"],
    ["https://0123abcd.r2.cloudflarestorage.com", "r2"],
    ["https://0123abcd.eu.r2.cloudflarestorage.com", "r2"],
    ["https://s3.us-west-004.backblazeb2.com", "b2"],
    ["https://storage.googleapis.com", "gcs"],
    ["http://127.0.0.1:9000", null],
    ["https://r2.cloudflarestorage.com.evil.example", null],
  ])("%s is %s", (endpoint, provider) => {
    expect(providerOfEndpoint(endpoint)).toBe(provider);
  });
});

describe("resolveStoreAbilities", () => {
  it("takes S3_PROVIDER over what the endpoint says", () => {
    const resolved = resolveStoreAbilities({ provider: "seaweedfs", endpoint: "https://x.r2.cloudflarestorage.com", overrides: {} });
    expect(resolved).toEqual({ provider: "seaweedfs", source: "S3_PROVIDER", abilities: STORE_PRESETS.seaweedfs });
  });

  it("assumes nothing of an endpoint it does not know", () => {
    const resolved = resolveStoreAbilities({ endpoint: "http://127.0.0.1:8333", overrides: {} });
    expect(resolved).toMatchObject({ provider: "other", source: "default" });
    expect(resolved.abilities).toEqual({ smallUploads: "post", partChecksum: "none", conditionalWrite: false, conditionalCopy: false, postChecksum: false });
  });

  it("applies each override on its own, leaving the rest of the preset", () => {
    const resolved = resolveStoreAbilities({ provider: "r2", overrides: { smallUploads: "post", conditionalWrite: undefined } });
    expect(resolved.abilities).toEqual({ ...STORE_PRESETS.r2, smallUploads: "post" });
  });

  it("describes the result in one line", () => {
    const line = describeStoreAbilities(resolveStoreAbilities({ provider: "b2", overrides: {} }));
    expect(line).toBe("b2 (S3_PROVIDER): small files by put, parts none, conditional write no, conditional copy no, form checksum no");
  });
});

describe("resolveStoreAbilitiesFromEnv", () => {
  it("reads the same variables as the server, counting a bad value as unset", () => {
    const resolved = resolveStoreAbilitiesFromEnv({ S3_PROVIDER: "r2", S3_SMALL_UPLOADS: "form", S3_CONDITIONAL_COPY: "0", S3_PART_CHECKSUM: "none" });
    expect(resolved.abilities).toEqual({ ...STORE_PRESETS.r2, conditionalCopy: false, partChecksum: "none" });
    expect(resolveStoreAbilitiesFromEnv({ S3_ENDPOINT: "http://127.0.0.1:4569", S3_PROVIDER: "azure" }).provider).toBe("other");
  });
});

describe("the ability variable table", () => {
  it("has one variable for each ability, and STORE_ABILITY_VARIABLES lists them after S3_PROVIDER", () => {
    const abilities = Object.values(ABILITY_OVERRIDE_VARIABLES).map((row) => row.ability);
    expect(abilities.toSorted()).toEqual(Object.keys(STORE_PRESETS.other).toSorted());
    expect(STORE_ABILITY_VARIABLES).toEqual(["S3_PROVIDER", ...Object.keys(ABILITY_OVERRIDE_VARIABLES)]);
  });

  it.each(OVERRIDE_CASES)("%s (%s) = %s resolves to %s, the rest left to the preset", (name, ability, raw, value) => {
    for (const provider of ["aws", "other"] as const) {
      const resolved = resolveStoreAbilitiesFromEnv({ S3_PROVIDER: provider, [name]: raw });
      expect(resolved.abilities).toEqual({ ...STORE_PRESETS[provider], [ability]: value });
    }
  });

  it.each(Object.keys(ABILITY_OVERRIDE_VARIABLES))("%s with a value the table does not list leaves the preset", (name) => {
    expect(resolveStoreAbilitiesFromEnv({ S3_PROVIDER: "b2", [name]: "yes" }).abilities).toEqual(STORE_PRESETS.b2);
  });
});
