import { fileURLToPath } from "node:url";
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

  it("a test process ended by SIGTERM (a runner stopping its worker) takes its tracked children with it", async () => {
    // A "test process" that tracks a child through this module, prints the child's pid, then waits to be stopped.
    const module = fileURLToPath(new URL("./processes.ts", import.meta.url));
    const code = `
      const { spawnTracked } = await import(${JSON.stringify(module)});
      const t = spawnTracked("service", process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
      process.stdout.write(t.child.pid + "\\n");
      setInterval(() => {}, 1000);`;
    const runner = spawnTracked("test-process", process.execPath, ["--input-type=module", "-e", code], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const service = await new Promise<number>((resolve) =>
      runner.child.stdout?.once("data", (d) => resolve(Number(String(d).trim()))),
    );
    expect(isAlive(service)).toBe(true);
    // Only the test process is signalled, not its group: its safety net must kill the service.
    process.kill(runner.child.pid as number, "SIGTERM");
    await runner.exited();
    await expect.poll(() => isAlive(service), { timeout: 10_000 }).toBe(false);
  });
});
