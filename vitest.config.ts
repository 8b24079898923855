import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
const shared = {
  resolve: {
    alias: {
      "@": root,
      // Server modules guard against client bundles with `server-only`; tests are server code.
      "server-only": path.resolve(root, "testing/server-only-stub.ts"),
    },
  },
};

/**
 * Two projects: `unit` needs no services and runs in seconds (pure rules, the browser engine, the
 * store, server logic that takes its I/O as arguments); `integration` runs route handlers and
 * queries against a real Postgres and MinIO, provisioned once by its global setup.
 * `npx vitest run --project unit` runs the first alone.
 */
export default defineConfig({
  ...shared,
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: "unit",
          environment: "node",
          include: ["lib/**/*.test.ts", "client/**/*.test.ts", "server/**/*.test.ts", "cli/**/*.test.ts", "components/**/*.test.ts", "testing/**/*.test.ts", "bench/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        ...shared,
        test: {
          name: "integration",
          environment: "node",
          include: ["tests/**/*.test.ts", "db/**/*.test.ts"],
          globalSetup: ["testing/vitest-global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
