import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { useBackend } from "@gov/testing";
import { describe, expect, it } from "vitest";
import { probePostgres } from "../src/postgres/test-support.ts";

const run = useBackend("postgres", "bench:scale at a small scale (both backends)", await probePostgres());
const script = fileURLToPath(new URL("./scale.bench.ts", import.meta.url));

// The benchmark itself runs at a million applications by hand (docs/projections.md); CI runs it at a small scale
// so that the script keeps working. No figure is asserted (benchmarks print them), only that each is there.
describe.skipIf(!run)("pnpm bench:scale", () => {
  it("generates, copies, measures both backends and starts the intake service on each", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--expose-gc", script, "300"], {
      env: { ...process.env, BENCH_PG: "1" },
      timeout: 240_000,
      maxBuffer: 16 * 2 ** 20,
    });
    // Each backend's row is printed when measured, then the whole table after the summary line.
    const summary = stdout.lastIndexOf("300 applications, 645 events");
    expect(summary).toBeGreaterThan(0);
    const rows = stdout
      .slice(summary)
      .split("\n")
      .filter((l) => /^\| (sqlite|postgres) \|/.test(l));
    expect(rows.map((r) => r.split("|")[1]?.trim())).toEqual(["sqlite", "postgres"]);
    for (const row of rows) {
      const cells = row
        .split("|")
        .slice(2, -1)
        .map((c) => c.trim());
      expect(cells).toHaveLength(12);
      // Every figure is a number.
      for (const c of cells) expect(c === "-" || Number.isFinite(Number(c)), `${c} in ${row}`).toBe(true);
      // The intake service's first start, its restart, its RSS.
      for (const c of cells.slice(9)) expect(Number(c)).toBeGreaterThan(0);
    }
  }, 300_000);
});
