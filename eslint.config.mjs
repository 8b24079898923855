import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/** Import patterns (both `@/x` and relative spellings) for a top-level folder. */
const folder = (name) => [`@/${name}`, `@/${name}/*`, `**/${name}/*`, `../${name}`];

/** Test files (unit tests sit beside the code they test) may also use testing/'s fakes. */
const TESTS = ["**/*.test.ts", "**/*.test.tsx"];

/**
 * Who may import whom. `allowed` lists exceptions inside a banned folder (gitignore-style negation).
 * @see docs/architecture.md "Folders" for what each folder is.
 */
const boundary = (files, banned, why, { extra = [], ignores = [] } = {}) => ({
  files,
  ignores,
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [{ group: [...banned.flatMap(folder), ...extra], message: why }],
      },
    ],
  },
});

/** Folders no product code may import: tools, tests and their shared infrastructure. */
const TOOLING = ["cli", "scripts", "testing", "bench", "tests", "e2e"];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", ".data/**", "node_modules/**", "next-env.d.ts", "test-results/**", "playwright-report/**"]),
  {
    // Playwright fixtures call their callback `use`, which is not React's hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  boundary(["lib/**"], ["client", "server", "db", "components", "app", ...TOOLING], "lib/ is shared and pure: it imports nothing of client/, server/, db/, the UI or the tools."),
  boundary(["client/**"], ["server", "db", "components", "app", ...TOOLING], "client/ is the upload engine the page and the CLI share: it talks to the server over HTTP only, and has no React.", { ignores: TESTS }),
  boundary(TESTS.map((glob) => `client/${glob}`), ["server", "db", "components", "app", "cli", "scripts", "bench", "tests", "e2e"], "client/ tests use testing/'s in-memory stand-ins, never the server."),
  boundary(["db/**"], ["client", "components", "app", ...TOOLING], "db/ is below server/: queries take plain values and return rows (server/env gives the database URL).", {
    extra: ["@/server/*", "!@/server/env", "**/server/*", "!**/server/env"],
  }),
  boundary(["server/**"], ["client", "components", "app", ...TOOLING], "server/ never imports browser, UI or tool code."),
  boundary(["components/**"], ["db", ...TOOLING], "Components reach data through server/ (server components) or client/api (client components)."),
  boundary(["app/**"], ["db", ...TOOLING], "Routes and pages reach Postgres only through server/ (which uses db/queries/).", { extra: ["drizzle-orm", "drizzle-orm/*", "postgres"] }),
  boundary(["cli/**"], ["server", "db", "components", "app", "scripts", "bench", "tests", "e2e"], "cli/ drives client/'s engine over Node's fetch: it talks to the server over HTTP only.", { ignores: TESTS }),
  boundary(["scripts/**"], ["client", "components", "app", "cli", "bench", "tests", "e2e"], "scripts/ are operator and dev tools over server/ and db/."),
  boundary(["testing/**"], ["components", "app", "cli", "scripts", "bench", "tests", "e2e"], "testing/ is what tests and benchmarks share; it depends on no test or tool."),
  boundary(["bench/**"], ["components", "app", "cli", "scripts", "tests", "e2e"], "bench/ runs the product as shipped, over services from testing/."),
  boundary(["tests/**", "e2e/**"], ["bench", "scripts", "cli"], "Tests run tools as processes, as a person would, not by importing them."),
]);
