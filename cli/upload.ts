/**
 * `npm run upload -- <file...> --url <app url> --token <token> [--parallel N]`: uploads files
 * through the app's API with the upload page's engine (multipart for big ones), N files at once
 * (4 by default), with one progress line. Small files get their file items ahead in batch requests
 * (client/engine/file-items-ahead.ts). UPLOADS_URL / UPLOADS_TOKEN work too.
 */
import { parseArgs } from "node:util";
import { formatBytes } from "../lib/upload-rules";
import { createCliApi, fetchUploadSettings, openFile, uploadFiles, type OpenedFile } from "./upload-client";

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
let sent = 0;
let finished = 0;

/** One line for all files at once, rewritten in place on a terminal. */
function render() {
  if (!process.stdout.isTTY) return;
  const rate = sent / Math.max(0.001, (Date.now() - started) / 1000);
  process.stdout.write(`\r${finished} of ${positionals.length} files · ${formatBytes(sent)} sent · ${formatBytes(rate)}/s`.padEnd(70));
}

function report(line: string, stream: NodeJS.WriteStream) {
  if (process.stdout.isTTY) process.stdout.write("\r".padEnd(71) + "\r");
  stream.write(`${line}\n`);
  render();
}

let failed = 0;
const fail = (filePath: string, message: string) => {
  failed++;
  finished++;
  report(`failed ${filePath}: ${message}`, process.stderr);
};

const opened: OpenedFile[] = [];
for (const entry of await Promise.all(positionals.map(openFile))) {
  if ("error" in entry) fail(entry.path, entry.error);
  else opened.push(entry);
}
// How the server takes small files (which hash each create carries: a PUT's CRC32, a form's SHA-256); without an answer nothing can go.
const settings = await fetchUploadSettings({ baseUrl, token }).catch((err: unknown) => {
  for (const entry of opened.splice(0)) fail(entry.path, (err as Error).message);
  return undefined;
});
await uploadFiles(createCliApi({ baseUrl, token }), opened, {
  parallel,
  settings,
  onProgress: (loaded) => {
    sent = loaded;
    render();
  },
  onOutcome: (outcome) => {
    if ("error" in outcome) return fail(outcome.path, outcome.error);
    finished++;
    const { stored } = outcome;
    report(`uploaded ${stored.name} (${stored.size} bytes) id=${stored.id}${stored.checksum ? ` checksum=${stored.checksum}` : ""}`, process.stdout);
  },
});
if (process.stdout.isTTY) process.stdout.write("\n");
process.exit(failed > 0 ? 1 : 0);
