import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cpuSeconds, cpuShares, pidsNamed } from "./cpu-times.ts";

describe("CPU times from /proc (the distributed row of bench:e2e)", () => {
  it("reads this process's CPU seconds, which grow while it computes", () => {
    const before = cpuSeconds(process.pid);
    expect(before).toBeGreaterThan(0);
    // Busy until /proc shows more CPU time (a deadline, not a duration: the clock ticks every 10 ms or so).
    const deadline = Date.now() + 20_000;
    let after = before as number;
    while (after <= (before as number) && Date.now() < deadline) {
      for (let i = 0; i < 1e6; i++) Math.sqrt(i);
      after = cpuSeconds(process.pid) as number;
    }
    expect(after).toBeGreaterThan(before as number);
  });

  it("finds processes by command name, and says undefined for a pid that is not there", () => {
    const name = readFileSync("/proc/self/comm", "utf8").trim();
    expect(pidsNamed(name)).toContain(process.pid);
    expect(cpuSeconds(2 ** 22 + 12345)).toBeUndefined();
  });

  it("gives each group's share of one core, counting a pid new since the first snapshot from zero", () => {
    const before = new Map([
      ["PostgreSQL", new Map([[10, 5]])],
      ["intake", new Map([[20, 1]])],
    ]);
    const after = new Map([
      [
        "PostgreSQL",
        new Map([
          [10, 6],
          [11, 0.5],
        ]),
      ],
      ["intake", new Map([[20, 3]])],
    ]);
    expect(cpuShares(before, after, 2)).toEqual([
      { name: "intake", percent: 100 },
      { name: "PostgreSQL", percent: 75 },
    ]);
  });
});
