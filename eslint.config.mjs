import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/** Import patterns (both `@/x` and relative spellings) for a top-level folder. */
const folder = (name) => [`@/${name}`, `@/${name}/*`, `**/${name}/*`, `../${name}`];

/** Who may import whom: lib is shared and pure; the browser engine never reaches the server or the database. */
const boundary = (files, banned, why) => ({
  files,
  rules: {
    "no-restricted-imports": ["error", { patterns: [{ group: banned.flatMap(folder), message: why }] }],
  },
});

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
  boundary(["lib/**"], ["client", "server", "db", "components", "app"], "lib/ is shared and pure: it imports nothing of client/, server/, db/ or the UI."),
  boundary(["client/**"], ["server", "db", "components", "app"], "client/ is the browser engine: it talks to the server over HTTP only, and has no React."),
  boundary(["db/**"], ["client", "server", "components", "app"], "db/ is below server/: queries take plain values and return rows."),
  boundary(["server/**"], ["client", "components", "app"], "server/ never imports browser or UI code."),
  boundary(["components/**"], ["db"], "Components reach data through server/ (server components) or the API (client components)."),
]);
