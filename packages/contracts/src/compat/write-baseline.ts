// `pnpm contracts:baseline`: records the current event schemas as published (see published.ts). Run it
// deliberately, when a release publishes them; the compatibility gate then holds every later change to them.
import { checkCompatibility } from "./compat.ts";
import { currentRevisions, publishedDir, readPublished, recordPublished } from "./published.ts";

const failures = await checkCompatibility(readPublished(), currentRevisions());
if (failures.length > 0) {
  process.stderr.write(`Not recorded: these changes break published events.\n\n${failures.join("\n\n")}\n`);
  process.exit(1);
}
const written = recordPublished();
process.stdout.write(
  written.length === 0
    ? `${publishedDir}: already current\n`
    : `${publishedDir}: recorded ${written.length} type(s)\n${written.map((t) => `  ${t}\n`).join("")}`,
);
