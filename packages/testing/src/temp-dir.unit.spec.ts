import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const module = join(import.meta.dirname, "temp-dir.ts");

/** Runs `body` in a fresh Node process with `tempDir` imported; returns the folders it printed, one a line. */
function inChild(body: string): { dirs: string[]; status: number | null; signal: NodeJS.Signals | null } {
  const child = spawnSync(
    process.execPath,
    ["--input-type=module", "-e", `import { tempDir } from ${JSON.stringify(module)};\n${body}`],
    { encoding: "utf8" },
  );
  return { dirs: child.stdout.split("\n").filter(Boolean), status: child.status, signal: child.signal };
}

describe("tempDir", () => {
  it("is removed with its files when the process exits, normally or after a throw", () => {
    const ok = inChild(
      `const d = tempDir("temp-dir-test-"); (await import("node:fs")).writeFileSync(d + "/f.db", "x"); process.stdout.write(d + "\\n");`,
    );
    expect(ok.status).toBe(0);
    expect(ok.dirs).toHaveLength(1);
    expect(existsSync(ok.dirs[0] as string)).toBe(false);
    const thrown = inChild(
      `process.stdout.write(tempDir("temp-dir-test-") + "\\n"); throw new Error("a failing test");`,
    );
    expect(thrown.status).not.toBe(0);
    expect(existsSync(thrown.dirs[0] as string)).toBe(false);
  });

  it("is removed when the process is ended by SIGTERM, which still ends it", () => {
    const ended = inChild(
      `process.stdout.write(tempDir("temp-dir-test-") + "\\n"); process.kill(process.pid, "SIGTERM"); setTimeout(() => {}, 60_000);`,
    );
    expect(ended.signal).toBe("SIGTERM");
    expect(ended.dirs).toHaveLength(1);
    expect(existsSync(ended.dirs[0] as string)).toBe(false);
  });

  it("lives until then", async () => {
    const { tempDir } = await import("./temp-dir.ts");
    const dir = tempDir("temp-dir-test-");
    writeFileSync(join(dir, "f"), "x");
    expect(existsSync(join(dir, "f"))).toBe(true);
  });
});
