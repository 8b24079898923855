/**
 * `npm run upload -- <file...> --url <app url> --token <token>`: uploads files through the app's
 * API (multipart for big ones), with a progress line per file. UPLOADS_URL / UPLOADS_TOKEN work too.
 */
import { parseArgs } from "node:util";
import { formatBytes } from "../lib/upload-rules";
import { uploadFile, type Progress } from "./upload-client";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { url: { type: "string" }, token: { type: "string" }, help: { type: "boolean", short: "h" } },
});
const baseUrl = values.url ?? process.env.UPLOADS_URL;
const token = values.token ?? process.env.UPLOADS_TOKEN;
if (values.help || positionals.length === 0 || !baseUrl || !token) {
  console.error("usage: npm run upload -- <file...> --url <app url> --token <api token>");
  process.exit(values.help ? 0 : 2);
}

const started = Date.now();
function render({ name, sent, size }: Progress) {
  const percent = size === 0 ? 100 : Math.floor((sent / size) * 100);
  const width = 30;
  const bar = "#".repeat(Math.round((percent / 100) * width)).padEnd(width, ".");
  const rate = sent / Math.max(0.001, (Date.now() - started) / 1000);
  const line = `${name.slice(0, 30).padEnd(30)} [${bar}] ${String(percent).padStart(3)}% ${formatBytes(sent)}/${formatBytes(size)} ${formatBytes(rate)}/s`;
  process.stdout.write(process.stdout.isTTY ? `\r${line}` : "");
}

let failed = 0;
for (const file of positionals) {
  try {
    const stored = await uploadFile({ baseUrl, token }, file, render);
    if (process.stdout.isTTY) process.stdout.write("\n");
    console.log(`uploaded ${stored.name} (${stored.size} bytes) id=${stored.id}${stored.checksum ? ` checksum=${stored.checksum}` : ""}`);
  } catch (err) {
    failed++;
    if (process.stdout.isTTY) process.stdout.write("\n");
    console.error(`failed ${file}: ${(err as Error).message}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
