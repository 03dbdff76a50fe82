import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";

/**
 * Child processes a test harness starts, tracked from the moment they are spawned so that nothing outlives the
 * test, however it fails: each child leads its own process group (so whatever it starts goes with it),
 * `stopProcesses` stops them (SIGTERM to the group, SIGKILL after a grace period), and a safety net (on "exit" and on
 * SIGTERM, SIGINT and SIGHUP) SIGKILLs the groups of any still tracked when the test process ends.
 */
export interface TrackedChild {
  name: string;
  child: ChildProcess;
  /** Resolves when the process has exited (at once if it already has). */
  exited(): Promise<void>;
}

const live = new Map<number, TrackedChild>();
let netInstalled = false;

function installExitNet(): void {
  if (netInstalled) return;
  netInstalled = true;
  const killAll = () => {
    for (const pid of live.keys()) signalGroup(pid, "SIGKILL");
  };
  process.on("exit", killAll);
  // A test process ended by a signal (a test runner stopping its workers) emits no "exit": kill the groups, then
  // let the signal do what it would have done.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.once(signal, () => {
      killAll();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/**
 * Sends `signal` to the process group led by `pid` (and to the process itself, should it have left it). Only
 * for a child that has not exited yet: a pid that has gone may be reused by somebody else's process.
 */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // no such group any more
  }
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Whether a process with this pid still exists (a zombie of ours counts until reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Spawns `command` as the leader of a new process group and tracks it until it exits. */
export function spawnTracked(
  name: string,
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): TrackedChild {
  installExitNet();
  const child = spawn(command, [...args], { ...options, detached: true });
  const done = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  const tracked: TrackedChild = { name, child, exited: () => done };
  const { pid } = child;
  if (pid !== undefined) {
    live.set(pid, tracked);
    void done.then(() => live.delete(pid));
  }
  return tracked;
}

/** The tracked children still running (for tests that check nothing is left). */
export function trackedChildren(): TrackedChild[] {
  return [...live.values()];
}

/**
 * Stops each child and its process group: SIGTERM, then SIGKILL after `graceMs` (default 10 s). Resolves when
 * every one has exited; never rejects.
 */
export async function stopProcesses(children: readonly TrackedChild[], graceMs = 10_000): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      const pid = c.child.pid;
      if (pid === undefined) return;
      const running = () => c.child.exitCode === null && c.child.signalCode === null;
      if (running()) signalGroup(pid, "SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          if (running()) signalGroup(pid, "SIGKILL");
          resolve();
        }, graceMs);
      });
      await Promise.race([c.exited(), killed]);
      await c.exited();
      clearTimeout(timer);
    }),
  );
}
