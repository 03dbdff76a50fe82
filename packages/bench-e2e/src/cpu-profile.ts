import { readFileSync } from "node:fs";

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that self time needs. */
interface CpuProfile {
  startTime: number;
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }>;
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  /** Where it lives: a workspace-relative path, a package name, or node's own module. */
  where: string;
  selfMs: number;
  share: number;
}

/** Shortens a script URL to what a reader needs: `pkg@version/file` in node_modules, else the workspace path. */
function shortWhere(url: string, line: number, root: string): string {
  if (!url) return "(native)";
  const path = url.replace(/^file:\/\//, "");
  const nm = path.lastIndexOf("/node_modules/");
  const place =
    nm >= 0
      ? path.slice(nm + "/node_modules/".length)
      : path.startsWith(root)
        ? path.slice(root.length + 1)
        : path;
  return `${place}:${line + 1}`;
}

/** Only the samples taken between these two instants (µs of the monotonic clock, `process.hrtime`). */
export interface Window {
  fromUs: number;
  toUs: number;
}

/**
 * The functions with the most self time (time on the CPU in the function's own code, not its callees): each
 * sample is charged to the node it hit, with the time delta that follows it; shares are of the busy time (idle
 * samples left out). With a window, only the samples
 * in it count (V8 stamps samples with the same monotonic clock as `process.hrtime`).
 */
export function topSelfTime(file: string, root: string, count = 10, window?: Window): HotFunction[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const stamps: number[] = [];
  let at = profile.startTime;
  for (const delta of profile.timeDeltas) {
    at += delta;
    stamps.push(at);
  }
  const inWindow = (i: number) =>
    !window || ((stamps[i] ?? 0) >= window.fromUs && (stamps[i] ?? 0) <= window.toUs);
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    const node = byNode.get(id);
    // Idle is time off the CPU: not where the time goes.
    if (!node || delta <= 0 || !inWindow(i) || node.callFrame.functionName === "(idle)") return;
    total += delta;
    const frame = node.callFrame;
    const name = frame.functionName || "(anonymous)";
    const where = shortWhere(frame.url, frame.lineNumber, root);
    const key = `${name}@${where}`;
    const entry = selfUs.get(key) ?? { name, where, us: 0 };
    entry.us += delta;
    selfUs.set(key, entry);
  });
  return [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, count)
    .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, share: total ? e.us / total : 0 }));
}

if (import.meta.main) {
  const [file, root = process.cwd()] = process.argv.slice(2);
  if (!file) throw new Error("usage: cpu-profile.ts FILE.cpuprofile [ROOT]");
  for (const f of topSelfTime(file, root, 25)) {
    process.stdout.write(
      `${f.selfMs.toFixed(0).padStart(7)} ms ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}  ${f.where}\n`,
    );
  }
}
