import "server-only";
import { z } from "zod";
import { MIB, TIB } from "@/lib/units";
import { DEFAULT_ALLOWED_TYPES } from "@/lib/upload-rules";
import { endpointProblem, splitEndpointList } from "@/lib/storage-endpoints";
import {
  ABILITY_OVERRIDE_VARIABLES,
  resolveStoreAbilitiesFromEnv,
  STORE_PROVIDERS,
  type AbilityOverrideVariable,
  type StoreAbilities,
  type StoreProvider,
} from "@/lib/store-abilities";

export { DEFAULT_ALLOWED_TYPES };

const booleanString = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1");

const optionalUrl = z.url().optional();

/**
 * The preset's overrides, one ability each, checked against the values lib/store-abilities.ts
 * lists for them (docs/storage.md); resolveStoreAbilitiesFromEnv reads them after this check.
 */
const abilityOverrides = Object.fromEntries(
  Object.entries(ABILITY_OVERRIDE_VARIABLES).map(([name, { values }]) => [name, z.enum(Object.keys(values)).optional()]),
) as Record<AbilityOverrideVariable, z.ZodOptional<z.ZodEnum<Record<string, string>>>>;

/** A comma-separated list of endpoint URLs, each checked, as a list without repeats. */
const endpointList = z.string().transform((value, ctx) => {
  const entries = splitEndpointList(value);
  if (entries.length === 0) ctx.addIssue({ code: "custom", message: "must list at least one URL" });
  for (const entry of entries) {
    const problem = endpointProblem(entry);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }
  return entries;
});

/** No signed form or URL lives longer than this (15 minutes), whatever UPLOAD_URL_TTL_SECONDS says. */
export const MAX_UPLOAD_URL_TTL_SECONDS = 900;

/**
 * Every setting the server reads, parsed once. Absent optional values choose the zero-config
 * path: no DATABASE_URL means embedded PGlite under DATA_DIR, no S3_ENDPOINT means AWS S3
 * (the dev script points it at its embedded store).
 * @see README.md "Configuration" for the table of variables.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  S3_ENDPOINT: optionalUrl,
  /**
   * Where browsers reach the bucket, comma-separated: forms and part URLs are spread over every
   * entry, downloads use the first. Unset: lib/storage-endpoints.ts derives it (two names on AWS S3
   * and on a loopback S3_ENDPOINT, else S3_ENDPOINT).
   */
  S3_PUBLIC_ENDPOINT: endpointList.optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid bucket name"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: booleanString.default(false),
  /**
   * The store behind the bucket, for its preset of abilities (lib/store-abilities.ts). Unset: AWS
   * without S3_ENDPOINT, else the endpoint's host (R2, B2, GCS), else "other" (nothing assumed).
   * @see docs/storage.md
   */
  S3_PROVIDER: z.enum(STORE_PROVIDERS).optional(),
  ...abilityOverrides,
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters"),
  APP_URL: z.url().default("http://localhost:3000"),
  GITHUB_ID: z.string().min(1).optional(),
  GITHUB_SECRET: z.string().min(1).optional(),
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(1).max(MAX_UPLOAD_URL_TTL_SECONDS).default(600),
  /** 5 TiB, the object limit most S3-compatible stores share; AWS allows up to 48.8 TiB. */
  UPLOAD_MAX_BYTES: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).default(5 * TIB),
  /** Files above this go as multipart uploads (and always above 5 GiB, S3's single-request cap). */
  MULTIPART_THRESHOLD_BYTES: z.coerce.number().int().min(0).default(100 * MIB),
  /** Preferred multipart part size; it grows for files that would otherwise need over 10,000 parts. */
  UPLOAD_PART_SIZE_MIB: z.coerce.number().int().min(5).max(5 * 1024).default(16),
  /**
   * Requests to storage one browser tab keeps open at once, across all its files. Unset: 6 per
   * browser host name of the bucket (server/storage/clients.ts `uploadConnections`), the most a
   * browser opens to one host over HTTP/1.1.
   */
  UPLOAD_CONNECTIONS: z.coerce.number().int().min(1).max(32).optional(),
  /** Pending file items older than this are aborted by `npm run uploads:cleanup`. */
  STALE_UPLOAD_HOURS: z.coerce.number().positive().default(24),
  /** Per-user cap on uploaded plus pending bytes; unset means unlimited. */
  USER_QUOTA_BYTES: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  /**
   * Create requests a user may make per minute (POST /api/uploads, and POST /api/uploads/batch as
   * one whatever its size): the page asks for ~24 small files' file items per request, so a drop of
   * 1,000 photos makes ~45 requests and a CLI run ~1 per 24 files (docs/api.md, Rate limits).
   */
  RATE_LIMIT_UPLOAD_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /** New file items a user may create per hour: a brake on floods of empty file items. */
  RATE_LIMIT_UPLOAD_FILES_PER_HOUR: z.coerce.number().int().positive().default(50_000),
  /** Part URLs a user may have signed per minute (sum of partNumbers over POST .../parts). */
  RATE_LIMIT_PARTS_PER_MINUTE: z.coerce.number().int().positive().default(6000),
  /**
   * Uploads a user may complete per minute (POST …/complete one, POST /api/uploads/batch/complete
   * one per id): each costs storage requests. 100 a second, above the page's fastest measured run.
   */
  RATE_LIMIT_COMPLETES_PER_MINUTE: z.coerce.number().int().positive().default(6000),
  /** GET /api/uploads/{id} per user per minute (a resume's status read, one ListParts each). */
  RATE_LIMIT_UPLOAD_STATUS_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /** Share links a user may make or revoke per hour (each counts). */
  RATE_LIMIT_SHARE_LINK_CHANGES_PER_HOUR: z.coerce.number().int().positive().default(2000),
  /** API tokens a user may make or revoke per hour (each counts). */
  RATE_LIMIT_TOKEN_CHANGES_PER_HOUR: z.coerce.number().int().positive().default(100),
  /**
   * Failed sign-ins per account (normalised email) per 15 minutes from one client: one browser
   * holding the account's device cookie, else one address. Over it, that client's sign-ins answer 429.
   * @see server/auth/auth-limits.ts
   */
  RATE_LIMIT_SIGNIN_FAILURES_PER_CLIENT: z.coerce.number().int().positive().default(10),
  /**
   * Failed sign-ins per account per 15 minutes from every client without its device cookie
   * together: the ceiling on guesses at one account; over it, only browsers that signed in to the
   * account before (its device cookie) may try.
   */
  RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(50),
  /** Failed sign-ins per client address per 15 minutes. */
  RATE_LIMIT_SIGNIN_FAILURES_PER_ADDRESS: z.coerce.number().int().positive().default(50),
  /** Sign-ups (POST /api/register) per client address per hour. */
  RATE_LIMIT_SIGNUPS_PER_ADDRESS: z.coerce.number().int().positive().default(10),
  /**
   * Share-link requests (the `/s/<token>` page and its download) per client address per minute;
   * without a trusted proxy (TRUST_PROXY_HOPS 0) all clients share 10 × this.
   */
  RATE_LIMIT_SHARE_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /**
   * Proxies in front of the app that append to X-Forwarded-For (1 behind one load balancer).
   * Default 1 on Vercel (which sets `VERCEL=1` and writes the header itself), else 0: clients
   * can't be told apart, so there is no per-address sign-in limit and sign-ups share one budget.
   * @see docs/deploy.md "Client addresses"
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).optional(),
  /**
   * Password hashes and checks (scrypt, 128 MiB each) one server process runs at once, for
   * sign-in, sign-up and password changes alike; one more answers 503 with Retry-After at once.
   * @see server/auth/hash-slots.ts
   */
  AUTH_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  /** Bearer secret for POST /api/internal/cleanup (serverless cron); the route is off without it. */
  CRON_SECRET: z.string().min(16).optional(),
  UPLOAD_ALLOWED_TYPES: z.string().min(1).default(DEFAULT_ALLOWED_TYPES),
});

export type Env = Omit<z.infer<typeof envSchema>, "TRUST_PROXY_HOPS"> & {
  TRUST_PROXY_HOPS: number;
  /** The provider the abilities come from (S3_PROVIDER, or what the endpoint says). */
  storeProvider: StoreProvider;
  /** Where the provider came from: S3_PROVIDER, the endpoint's host, or the default. */
  storeProviderSource: "S3_PROVIDER" | "endpoint" | "default";
  /** What the store can do: the provider's preset with the S3_* overrides applied. */
  storeAbilities: StoreAbilities;
};

/** Names every bad variable, so a misconfigured server says what to fix and stops. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${problems.join("\n")}`);
  }
  const data = result.data;
  // Every store variable is valid by now, so the raw values resolve as the schema checked them.
  const store = resolveStoreAbilitiesFromEnv(cleaned);
  const env = {
    ...data,
    TRUST_PROXY_HOPS: data.TRUST_PROXY_HOPS ?? (cleaned.VERCEL === "1" ? 1 : 0),
    storeProvider: store.provider,
    storeProviderSource: store.source,
    storeAbilities: store.abilities,
  };
  if (env.NODE_ENV === "production" && !env.DATABASE_URL && process.env.ALLOW_EMBEDDED_DB !== "1") {
    throw new Error("Invalid environment:\n  DATABASE_URL: required in production (no local disk there)");
  }
  return env;
}

let cached: Env | undefined;

/** Parsed lazily so `next build` can import route modules without the runtime env. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
