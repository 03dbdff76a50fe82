// Writes docs/asyncapi/<service>.json from the contracts (see asyncapi.ts).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { asyncApiFiles } from "./asyncapi.ts";

const dir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../docs/asyncapi");
mkdirSync(dir, { recursive: true });
for (const old of readdirSync(dir)) if (old.endsWith(".json")) rmSync(join(dir, old));
for (const [file, content] of asyncApiFiles()) writeFileSync(join(dir, file), content);
process.stdout.write(`wrote ${dir}/\n`);
