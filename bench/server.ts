/**
 * Builds the app and runs `next start` for the benchmark. The caller holds /tmp/next-build.lock
 * (`npm run bench` runs under flock) because other checkouts' runs share this folder's .next output.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { processGroupPids } from "./process-memory";

/** `pid` leads the server's process group (npx, then the Node server under it). */
export type AppServer = { url: string; logFile: string; pid: number; stop: () => Promise<void> };

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", env });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function waitForReady(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/signin`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("next start did not answer in 60 s");
}

/**
 * Waits for every process of the group to exit: npx exits at once on SIGTERM, while the Node
 * server under it still closes its connections and holds the port, so a server started at once on
 * the same port would fail to listen, and the old one would answer its readiness check.
 */
async function groupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if ((await processGroupPids(pgid)).length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // gone meanwhile
  }
}

export async function buildApp(env: Record<string, string>): Promise<void> {
  console.log("[bench] $ npx next build");
  const code = await run("npx", ["next", "build"], { ...process.env, ...env, NODE_ENV: "production" });
  if (code !== 0) throw new Error(`next build failed with code ${code}`);
}

/** `next start` on the given port; its request log goes to a file so the figures stay readable. */
export async function startApp(port: number, env: Record<string, string>, logFile: string): Promise<AppServer> {
  const url = `http://127.0.0.1:${port}`;
  const log = createWriteStream(logFile);
  // BENCH_SERVER_PROFILE=<dir>: a V8 CPU profile of the server, written there when it stops.
  const profileDir = process.env.BENCH_SERVER_PROFILE;
  const command = profileDir ? ["node", `--cpu-prof`, `--cpu-prof-dir=${profileDir}`, "node_modules/next/dist/bin/next"] : ["npx", "next"];
  const child = spawn(command[0]!, [...command.slice(1), "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so stop() ends npx and the node server under it
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid, "SIGTERM");
      await exited;
    }
    if (child.pid) await groupGone(child.pid);
    log.end();
  };
  try {
    await waitForReady(url, child);
  } catch (err) {
    await stop();
    console.error((await readFile(logFile, "utf8")).slice(-4000));
    throw err;
  }
  return { url, logFile, pid: child.pid!, stop };
}
