import { describe, expect, it } from "vitest";
import { ABILITY_OVERRIDE_VARIABLES, STORE_PRESETS } from "@/lib/store-abilities";
import { parseEnv } from "./env";

const minimal = { S3_BUCKET: "uploads", AUTH_SECRET: "x".repeat(32) };

describe("parseEnv", () => {
  it("applies defaults for the zero-config path", () => {
    const env = parseEnv(minimal);
    expect(env).toMatchObject({ S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: false, UPLOAD_URL_TTL_SECONDS: 600, UPLOAD_PART_SIZE_MIB: 16, DATA_DIR: ".data" });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it.each([
    ["S3_BUCKET", { ...minimal, S3_BUCKET: undefined }],
    ["AUTH_SECRET", { ...minimal, AUTH_SECRET: "short" }],
    ["DATABASE_URL", { ...minimal, DATABASE_URL: "mysql://x" }],
    ["S3_ENDPOINT", { ...minimal, S3_ENDPOINT: "not a url" }],
    ["S3_PUBLIC_ENDPOINT", { ...minimal, S3_PUBLIC_ENDPOINT: "https://a.example,not a url" }],
    ["S3_PUBLIC_ENDPOINT", { ...minimal, S3_PUBLIC_ENDPOINT: " , " }],
    ["S3_FORCE_PATH_STYLE", { ...minimal, S3_FORCE_PATH_STYLE: "yes" }],
    ["UPLOAD_URL_TTL_SECONDS", { ...minimal, UPLOAD_URL_TTL_SECONDS: "901" }],
    ["UPLOAD_URL_TTL_SECONDS", { ...minimal, UPLOAD_URL_TTL_SECONDS: "0" }],
    // S3 refuses parts under 5 MiB (but the last) and over 5 GiB.
    ["UPLOAD_PART_SIZE_MIB", { ...minimal, UPLOAD_PART_SIZE_MIB: "4" }],
    ["UPLOAD_PART_SIZE_MIB", { ...minimal, UPLOAD_PART_SIZE_MIB: "5121" }],
    ["S3_PROVIDER", { ...minimal, S3_PROVIDER: "azure" }],
    ["S3_SMALL_UPLOADS", { ...minimal, S3_SMALL_UPLOADS: "form" }],
    ["S3_PART_CHECKSUM", { ...minimal, S3_PART_CHECKSUM: "md5" }],
  ])("names %s when it is bad", (name, source) => {
    expect(() => parseEnv(source)).toThrow(new RegExp(`${name}:`));
  });

  it("takes the store's abilities from S3_PROVIDER, then each override", () => {
    expect(parseEnv(minimal)).toMatchObject({ storeProvider: "aws", storeAbilities: { smallUploads: "post", partChecksum: "crc32", conditionalWrite: true } });
    const r2 = parseEnv({ ...minimal, S3_ENDPOINT: "https://acc.r2.cloudflarestorage.com", S3_CONDITIONAL_COPY: "false" });
    expect(r2).toMatchObject({ storeProvider: "r2", storeAbilities: { smallUploads: "put", partChecksum: "crc32", conditionalWrite: true, conditionalCopy: false } });
    const minio = parseEnv({ ...minimal, S3_ENDPOINT: "http://127.0.0.1:9000", S3_PROVIDER: "minio", S3_SMALL_UPLOADS: "put" });
    expect(minio.storeAbilities).toEqual({ smallUploads: "put", partChecksum: "crc32", conditionalWrite: true, conditionalCopy: true, postChecksum: true });
  });

  // The server checks the store variables by lib/store-abilities.ts's table: each value it lists is
  // taken as the ability's value the table gives, the rest of the preset left alone.
  it.each(Object.entries(ABILITY_OVERRIDE_VARIABLES).flatMap(([name, { ability, values }]) => Object.entries(values).map(([raw, value]) => [name, raw, ability, value] as const)))(
    "%s=%s sets %s to %s",
    (name, raw, ability, value) => {
      expect(parseEnv({ ...minimal, S3_PROVIDER: "other", [name]: raw }).storeAbilities).toEqual({ ...STORE_PRESETS.other, [ability]: value });
    },
  );

  it.each(Object.keys(ABILITY_OVERRIDE_VARIABLES))("refuses %s with a value the table does not list", (name) => {
    expect(() => parseEnv({ ...minimal, [name]: "yes" })).toThrow(new RegExp(`${name}:`));
  });

  it("accepts the TTL bounds 1 and 900", () => {
    expect(parseEnv({ ...minimal, UPLOAD_URL_TTL_SECONDS: "1" }).UPLOAD_URL_TTL_SECONDS).toBe(1);
    expect(parseEnv({ ...minimal, UPLOAD_URL_TTL_SECONDS: "900" }).UPLOAD_URL_TTL_SECONDS).toBe(900);
  });

  it("requires DATABASE_URL in production", () => {
    expect(() => parseEnv({ ...minimal, NODE_ENV: "production" })).toThrow(/DATABASE_URL: required in production/);
  });

  it("reads S3_PUBLIC_ENDPOINT as a comma-separated list", () => {
    expect(parseEnv({ ...minimal, S3_PUBLIC_ENDPOINT: "https://a.example" }).S3_PUBLIC_ENDPOINT).toEqual(["https://a.example"]);
    expect(parseEnv({ ...minimal, S3_PUBLIC_ENDPOINT: "https://a.example, https://b.example" }).S3_PUBLIC_ENDPOINT).toEqual(["https://a.example", "https://b.example"]);
    expect(parseEnv(minimal).S3_PUBLIC_ENDPOINT).toBeUndefined();
  });

  it("names the bad entry of S3_PUBLIC_ENDPOINT", () => {
    expect(() => parseEnv({ ...minimal, S3_PUBLIC_ENDPOINT: "https://a.example,ftp://b.example" })).toThrow(/S3_PUBLIC_ENDPOINT: "ftp:\/\/b.example" is not an http\(s\) URL/);
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ ...minimal, S3_ENDPOINT: "" }).S3_ENDPOINT).toBeUndefined();
  });

  it.each([
    ["off Vercel, the header is not trusted", {}, 0],
    ["on Vercel, which writes X-Forwarded-For itself", { VERCEL: "1" }, 1],
    ["a setting wins over the Vercel default", { VERCEL: "1", TRUST_PROXY_HOPS: "0" }, 0],
    ["behind two proxies", { TRUST_PROXY_HOPS: "2" }, 2],
  ])("TRUST_PROXY_HOPS: %s", (_, extra, hops) => {
    expect(parseEnv({ ...minimal, ...extra }).TRUST_PROXY_HOPS).toBe(hops);
  });
});
