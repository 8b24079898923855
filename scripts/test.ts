/**
 * `npm test`: provisions a fresh Postgres database and a MinIO server once, then runs the vitest
 * suites, builds the app, and runs Playwright against `next start` on the same services.
 * Pass `--unit` to stop after vitest, `--e2e` to skip it.
 */
import { spawn } from "node:child_process";
import { freePort } from "./services";
import { provisionTestServices } from "./provision";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const args = new Set(process.argv.slice(2));

function run(command: string, commandArgs: string[], env: Record<string, string>): Promise<number> {
  console.log(`\n[test] $ ${command} ${commandArgs.join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const services = await provisionTestServices(appUrl);
  const env = { ...services.env, E2E_PORT: String(port) };
  try {
    if (!args.has("--e2e")) {
      const code = await run("npx", ["vitest", "run"], env);
      if (code !== 0 || args.has("--unit")) return code;
    }
    const build = await run("npx", ["next", "build"], { ...env, NODE_ENV: "production" });
    if (build !== 0) return build;
    return await run("npx", ["playwright", "test"], env);
  } finally {
    await services.teardown();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
