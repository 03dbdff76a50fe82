import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks a second, for /proc's CPU times (usually 100). */
let ticks: number | undefined;
const ticksPerSecond = () => {
  ticks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return ticks;
};

/**
 * CPU seconds (user + system, every thread) process `pid` has used so far, from /proc/<pid>/stat (Linux);
 * undefined where there is no /proc or the process has gone.
 */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: the fields that follow are counted from its end.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/** The pids whose command name (/proc/<pid>/comm) is `name`, e.g. PostgreSQL's server and backends, `postgres`. */
export function pidsNamed(name: string): number[] {
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === name) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU seconds per named group of processes, read now; a group of several pids is their sum. */
export function cpuSnapshot(groups: Record<string, readonly number[]>): Map<string, Map<number, number>> {
  const snapshot = new Map<string, Map<number, number>>();
  for (const [name, pids] of Object.entries(groups)) {
    const byPid = new Map<number, number>();
    for (const pid of pids) {
      const s = cpuSeconds(pid);
      if (s !== undefined) byPid.set(pid, s);
    }
    snapshot.set(name, byPid);
  }
  return snapshot;
}

/**
 * Each group's share of one core between two snapshots (100 % = one core busy the whole time): a pid absent
 * from the first snapshot counts from zero (a backend opened during the load), one gone by the second is left out.
 */
export function cpuShares(
  before: Map<string, Map<number, number>>,
  after: Map<string, Map<number, number>>,
  seconds: number,
): { name: string; percent: number }[] {
  const out: { name: string; percent: number }[] = [];
  for (const [name, pids] of after) {
    let used = 0;
    for (const [pid, s] of pids) used += s - (before.get(name)?.get(pid) ?? 0);
    out.push({ name, percent: (used / seconds) * 100 });
  }
  return out.sort((a, b) => b.percent - a.percent);
}
