import { describe, expect, it } from "vitest";
import { isAlive, spawnTracked, stopProcesses, trackedChildren } from "./processes.ts";

describe("tracked child processes", () => {
  it("stops a child and what it started (its process group), SIGKILLing one that ignores SIGTERM", async () => {
    // The child ignores SIGTERM and starts a grandchild that does too; it prints the grandchild's pid.
    const code = `
      process.on("SIGTERM", () => {});
      const { spawn } = require("node:child_process");
      const g = spawn(process.execPath, ["-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: "ignore" });
      process.stdout.write(g.pid + "\\n");
      setInterval(() => {}, 1000);`;
    const tracked = spawnTracked("stubborn", process.execPath, ["-e", code], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const grandchild = await new Promise<number>((resolve) =>
      tracked.child.stdout?.once("data", (d) => resolve(Number(String(d).trim()))),
    );
    const pid = tracked.child.pid as number;
    expect(isAlive(pid) && isAlive(grandchild)).toBe(true);
    expect(trackedChildren().map((c) => c.name)).toContain("stubborn");
    await stopProcesses([tracked], 500);
    await expect.poll(() => isAlive(grandchild), { timeout: 10_000 }).toBe(false);
    expect(isAlive(pid)).toBe(false);
    expect(trackedChildren()).toEqual([]);
  });
});
