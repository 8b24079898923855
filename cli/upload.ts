/**
 * `npm run upload -- <file...> --url <app url> --token <token> [--parallel N]`: uploads files
 * through the app's API (multipart for big ones), N files at once (4 by default), with one
 * progress line. Small files get their records ahead, ~24 per batch request (records-ahead.ts).
 * UPLOADS_URL / UPLOADS_TOKEN work too.
 */
import { parseArgs } from "node:util";
import { formatBytes } from "../lib/upload-rules";
import { RecordsAhead } from "./records-ahead";
import { createUploadContext, planFiles, uploadFile, type Progress } from "./upload-client";

const DEFAULT_PARALLEL = 4;
const MAX_PARALLEL = 16;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { url: { type: "string" }, token: { type: "string" }, parallel: { type: "string" }, help: { type: "boolean", short: "h" } },
});
const baseUrl = values.url ?? process.env.UPLOADS_URL;
const token = values.token ?? process.env.UPLOADS_TOKEN;
const parallel = Number(values.parallel ?? DEFAULT_PARALLEL);
if (values.help || positionals.length === 0 || !baseUrl || !token || !Number.isInteger(parallel) || parallel < 1 || parallel > MAX_PARALLEL) {
  console.error(`usage: npm run upload -- <file...> --url <app url> --token <api token> [--parallel 1..${MAX_PARALLEL}]`);
  process.exit(values.help ? 0 : 2);
}

const started = Date.now();
const sentByFile = new Map<string, Progress>();
let finished = 0;

/** One line for all files at once, rewritten in place on a terminal. */
function render(progress?: Progress) {
  if (progress) sentByFile.set(progress.name, progress);
  if (!process.stdout.isTTY) return;
  let sent = 0;
  for (const p of sentByFile.values()) sent += p.sent;
  const rate = sent / Math.max(0.001, (Date.now() - started) / 1000);
  process.stdout.write(`\r${finished} of ${positionals.length} files · ${formatBytes(sent)} sent · ${formatBytes(rate)}/s`.padEnd(70));
}

function report(line: string, stream: NodeJS.WriteStream) {
  if (process.stdout.isTTY) process.stdout.write("\r".padEnd(71) + "\r");
  stream.write(`${line}\n`);
  render();
}

const context = createUploadContext({ baseUrl, token });
const turns = new RecordsAhead(context.api, await planFiles(positionals));
let failed = 0;
await Promise.all(
  Array.from({ length: Math.min(parallel, positionals.length) }, async () => {
    for (let turn = turns.next(); turn; turn = turns.next()) {
      try {
        const stored = await uploadFile(context, turn, render);
        finished++;
        report(`uploaded ${stored.name} (${stored.size} bytes) id=${stored.id}${stored.checksum ? ` checksum=${stored.checksum}` : ""}`, process.stdout);
      } catch (err) {
        failed++;
        finished++;
        report(`failed ${turn.file.path}: ${(err as Error).message}`, process.stderr);
      }
    }
  }),
);
if (process.stdout.isTTY) process.stdout.write("\n");
process.exit(failed > 0 ? 1 : 0);
