import type { ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnTracked, stopProcesses, type TrackedChild } from "@gov/testing";

const here = dirname(fileURLToPath(import.meta.url));

const spawned = new Set<TrackedChild>();

/**
 * Stops every child `spawnChild` started that still runs (SIGTERM to its process group, SIGKILL after 5 s).
 * Suites call it in `afterAll`, so that a failed test leaves nothing behind; the tracker's exit safety net
 * SIGKILLs whatever is left when the test process ends anyway.
 */
export async function stopChildren(): Promise<void> {
  const all = [...spawned];
  spawned.clear();
  await stopProcesses(all, 5000);
}

/** A test child process running one of the scripts beside this file, with its output collected. */
export function spawnChild(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const tracked = spawnTracked(script, process.execPath, [join(here, script), ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  spawned.add(tracked);
  void tracked.exited().then(() => spawned.delete(tracked));
  const child: ChildProcess = tracked.child;
  let out = "";
  let err = "";
  child.stdout?.on("data", (d) => {
    out += String(d);
  });
  child.stderr?.on("data", (d) => {
    err += String(d);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exited,
    get stdout() {
      return out;
    },
    get stderr() {
      return err;
    },
    /** Every stdout line that parses as JSON (print-consumer.ts prints one event a line). */
    get jsonLines(): unknown[] {
      return out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as unknown);
    },
    /** The last `published <n>` count a relay child printed (0 before any). */
    get published(): number {
      const m = [...out.matchAll(/published (\d+)/g)].at(-1);
      return m ? Number(m[1]) : 0;
    },
    async kill(signal: NodeJS.Signals = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
