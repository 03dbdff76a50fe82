// Writes the generated deployment files from services/* and the contracts: infra/docker-compose.yml and
// everything under k8s/ that is generated. `pnpm manifests`; a test checks that the files are current.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generatedFiles } from "./manifests/generated.ts";
import { repoRoot } from "./services.ts";

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const files = await generatedFiles();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repoRoot, path)), { recursive: true });
    writeFileSync(join(repoRoot, path), text);
  }
  process.stdout.write(`wrote ${Object.keys(files).length} files\n`);
}
