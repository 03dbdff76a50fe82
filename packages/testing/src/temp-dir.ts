import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made = new Set<string>();
let netInstalled = false;

function removeAll(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

function installNet(): void {
  if (netInstalled) return;
  netInstalled = true;
  process.on("exit", removeAll);
  // A test process ended by a signal (a runner stopping its workers) emits no "exit": remove, then let the signal
  // do what it would have done.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.once(signal, () => {
      removeAll();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/**
 * A new folder under the OS's temporary folder (`<prefix>XXXXXX`), removed with everything in it when the test
 * process ends, however the test ended: a suite that keeps SQLite files, keys or a broker's data there leaves
 * nothing behind in /tmp run after run. A test that wants it gone sooner removes it itself.
 */
export function tempDir(prefix: string): string {
  installNet();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}
