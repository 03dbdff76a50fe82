import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatedFiles } from "./manifests/generated.ts";
import { repoRoot } from "./services.ts";

describe("generated deployment files", () => {
  it("are current with services/* and the contracts (run `pnpm manifests` after a change)", async () => {
    for (const [path, text] of Object.entries(await generatedFiles())) {
      expect(readFileSync(join(repoRoot, path), "utf8"), path).toBe(text);
    }
  });
});
