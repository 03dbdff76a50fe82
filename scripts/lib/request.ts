// One HTTP request for the operator scripts (scripts/calendar, scripts/dead-letters):
//   node scripts/lib/request.ts <tool> <METHOD> <url> [json-file]
// Sends TOKEN (if set) as the bearer token, prints the answer (JSON pretty-printed) on stdout and
// "METHOD url → HTTP status" on stderr, and exits 1 on a status ≥ 400 or when the platform cannot be reached.
import { readFileSync } from "node:fs";

const [tool, method, url, file] = process.argv.slice(2);
if (!tool || !method || !url) {
  process.stderr.write("usage: node scripts/lib/request.ts <tool> <METHOD> <url> [json-file]\n");
  process.exit(2);
}
const headers: Record<string, string> = { accept: "application/json, application/problem+json" };
if (process.env.TOKEN) headers.authorization = `Bearer ${process.env.TOKEN}`;
let body: string | undefined;
if (file) {
  body = readFileSync(file, "utf8");
  headers["content-type"] = "application/json";
}
let res: Response;
try {
  res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
} catch (error) {
  const e = error as Error & { cause?: Error };
  process.stderr.write(`${tool}: cannot reach ${url}: ${e.cause?.message ?? e.message}\n`);
  process.exit(1);
}
const text = await res.text();
let out = text;
try {
  out = JSON.stringify(JSON.parse(text), null, 2);
} catch {}
process.stdout.write(`${out}\n`);
process.stderr.write(`${method} ${url} → HTTP ${res.status}\n`);
process.exit(res.ok ? 0 : 1);
