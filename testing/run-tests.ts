/**
 * `npm test`: provisions a fresh Postgres database and an S3 store (MinIO, or SeaweedFS with
 * TEST_STORE=seaweedfs) once, then runs the vitest suites, builds the app, and runs Playwright
 * against `next start` on the same services. Pass `--unit` to stop after vitest, `--e2e` to skip
 * it, `--reuse-build` to start the last `next build` instead of building again (the build reads no
 * service settings: CI's SeaweedFS run reuses the MinIO run's); other arguments (spec files, `-g`
 * patterns) go to Playwright.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./services";
import { provisionTestServices } from "./provision";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const args = new Set(process.argv.slice(2));
const OWN_FLAGS = new Set(["--unit", "--e2e", "--reuse-build"]);
const playwrightArgs = process.argv.slice(2).filter((arg) => !OWN_FLAGS.has(arg));

function run(command: string, commandArgs: string[], env: Record<string, string>): Promise<number> {
  console.log(`\n[test] $ ${command} ${commandArgs.join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

type Counts = { passed: number; failed: number; skipped: number };
const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
const reports = mkdtempSync(path.join(os.tmpdir(), "test-reports-"));

/** Adds one runner's JSON report to the totals printed at the end. */
function tally(file: string, read: (json: Record<string, number | Record<string, number>>) => Counts): void {
  if (!existsSync(file)) return;
  let result: Counts;
  try {
    result = read(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    return; // the runner's own output and exit code still stand
  }
  counts.passed += result.passed;
  counts.failed += result.failed;
  counts.skipped += result.skipped;
}

async function main(): Promise<number> {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const services = await provisionTestServices(appUrl);
  const env = { ...services.env, E2E_PORT: String(port) };
  try {
    if (!args.has("--e2e")) {
      const vitestReport = path.join(reports, "vitest.json");
      const code = await run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestReport}`], env);
      tally(vitestReport, (r) => ({
        passed: r.numPassedTests as number,
        failed: r.numFailedTests as number,
        skipped: ((r.numPendingTests as number) ?? 0) + ((r.numTodoTests as number) ?? 0),
      }));
      if (code !== 0 || args.has("--unit")) return code;
    }
    if (!(args.has("--reuse-build") && existsSync(path.join(".next", "BUILD_ID")))) {
      const build = await run("npx", ["next", "build"], { ...env, NODE_ENV: "production" });
      if (build !== 0) return build;
    }
    const playwrightReport = path.join(reports, "playwright.json");
    const code = await run("npx", ["playwright", "test", "--reporter=list,json", ...playwrightArgs], {
      ...env,
      PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport,
    });
    tally(playwrightReport, (r) => {
      const stats = r.stats as Record<string, number>;
      return { passed: stats.expected ?? 0, failed: (stats.unexpected ?? 0) + (stats.flaky ?? 0), skipped: stats.skipped ?? 0 };
    });
    return code;
  } finally {
    await services.teardown();
    rmSync(reports, { recursive: true, force: true });
    // One plain closing line over both runners, for people and for CI.
    console.log(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
