import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort, spawnTracked, stopProcesses } from "@gov/testing";

const root = fileURLToPath(new URL("../../..", import.meta.url));

/** Resident set of a process (VmRSS in /proc), in MiB; NaN where /proc is not there. */
function processRssMiB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
    return line ? Math.round(Number(line[1]) / 1024) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * Starts the real intake service (`services/intake/src/main.ts`, its own process, embedded bus) on a store that
 * already holds the log and on the projection database the bench left at its checkpoint, and measures what an
 * operator sees: time from spawn to `/health/ready` answering 200, and the process's RSS once idle.
 */
export async function measureIntakeService(
  env: Record<string, string>,
  options: { idleMs?: number; timeoutMs?: number } = {},
): Promise<{ readyMs: number; rssMiB: number }> {
  const port = await freePort();
  const started = performance.now();
  const log: string[] = [];
  const tracked = spawnTracked("intake", process.execPath, [`${root}services/intake/src/main.ts`], {
    env: {
      ...process.env,
      NODE_ENV: "development",
      HOST: "127.0.0.1",
      PORT: String(port),
      EVENT_BUS: "embedded",
      DEMO_DATA: "false",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { child } = tracked;
  child.stdout?.on("data", (d) => log.push(String(d)));
  child.stderr?.on("data", (d) => log.push(String(d)));
  try {
    const deadline = Date.now() + (options.timeoutMs ?? 300_000);
    for (;;) {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`, {
        signal: AbortSignal.timeout(5000),
      }).catch(() => undefined);
      if (res?.status === 200) break;
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        const last = res ? await res.text().catch(() => "") : "no answer";
        throw new Error(
          `intake did not become ready (last: ${last.slice(0, 500)}): ${log.join("").slice(-2000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const readyMs = performance.now() - started;
    // Idle: let start-up garbage be collected by the process's own GC before reading its RSS.
    await new Promise((r) => setTimeout(r, options.idleMs ?? 5000));
    return { readyMs, rssMiB: processRssMiB(child.pid as number) };
  } finally {
    await stopProcesses([tracked]);
  }
}
