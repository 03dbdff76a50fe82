// Writes docs/events.md and docs/event-schemas/*.schema.json from the contracts (see catalog.ts).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { catalogMarkdown, catalogSchemaFiles } from "./catalog.ts";

const docs = resolve(dirname(fileURLToPath(import.meta.url)), "../../../docs");
writeFileSync(join(docs, "events.md"), catalogMarkdown());
const schemas = join(docs, "event-schemas");
mkdirSync(schemas, { recursive: true });
for (const old of readdirSync(schemas)) rmSync(join(schemas, old));
for (const [file, content] of catalogSchemaFiles()) writeFileSync(join(schemas, file), content);
process.stdout.write(`wrote ${join(docs, "events.md")} and ${schemas}/\n`);
