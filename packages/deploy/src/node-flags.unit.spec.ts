import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, START_COMMAND } from "./services.ts";

describe("V8 flags: the images and the host scripts agree", () => {
  it("every heap flag of the images' start command is among the host's flags (scripts/lib/node-flags.sh)", () => {
    const script = readFileSync(join(repoRoot, "scripts/lib/node-flags.sh"), "utf8");
    const line = script.split("\n").find((l) => l.startsWith("HOST_NODE_FLAGS=("));
    expect(line, "HOST_NODE_FLAGS=(…) in scripts/lib/node-flags.sh").toBeDefined();
    const hostFlags = (line ?? "").match(/--[a-z-]+(=[^\s")]+)?/g) ?? [];
    const heapFlags = START_COMMAND.filter((f) => f.startsWith("--max-"));
    expect(heapFlags.length).toBeGreaterThan(0);
    for (const flag of heapFlags) expect(hostFlags).toContain(flag);
  });
});
