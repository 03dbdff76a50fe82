import { cpus } from "node:os";
import { Worker } from "node:worker_threads";

/**
 * A bounded CPU burner: `threads` worker threads that spin (busy loops) for at most `seconds`, so that a suite
 * runs on a machine as loaded as a busy CI runner. Each thread stops by itself at its deadline, on `stop()`, and
 * with the process (the threads are unref'd and die with it). It never outlives its deadline, whatever the
 * test does.
 *
 * `CPU_BURN` sets the threads: `0` turns it off, `2` doubles it; unset it is 1 under `CI=true` and 0 otherwise.
 * `CPU_BURN_SECONDS` caps how long it runs (default 900).
 */
export interface CpuBurner {
  readonly threads: number;
  /** Resolves when every thread has ended, by itself at its deadline or after `stop()`. */
  readonly ended: Promise<void>;
  /** Stops every thread; resolves when they have ended. */
  stop(): Promise<void>;
}

const SPIN = `
const { workerData, parentPort } = require("node:worker_threads");
const flag = new Int32Array(workerData.stop);
const until = Date.now() + workerData.ms;
let x = 0;
while (Date.now() < until && Atomics.load(flag, 0) === 0) {
  for (let i = 0; i < 100000; i++) x = (x * 31 + i) % 1000003;
}
parentPort.postMessage(x);
`;

/** Threads the environment asks for (see `CpuBurner`), at most one per CPU. */
export function burnerThreadsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.CPU_BURN ?? (env.CI === "true" ? "1" : "0");
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`CPU_BURN=${raw}: a whole number of threads (0 turns it off)`);
  return Math.min(n, cpus().length);
}

export function startCpuBurner(options: { threads?: number; seconds?: number } = {}): CpuBurner {
  const threads = options.threads ?? burnerThreadsFromEnv();
  const seconds = options.seconds ?? Number(process.env.CPU_BURN_SECONDS ?? 900);
  const stop = new SharedArrayBuffer(4);
  const workers = Array.from({ length: threads }, () => {
    const worker = new Worker(SPIN, { eval: true, workerData: { stop, ms: seconds * 1000 } });
    worker.unref();
    const ended = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.on("error", () => undefined);
    return ended;
  });
  if (threads > 0) process.stderr.write(`[cpu-burner] ${threads} busy thread(s) for at most ${seconds} s\n`);
  let stopped: Promise<void> | undefined;
  const ended = Promise.all(workers).then(() => undefined);
  return {
    threads,
    ended,
    stop() {
      stopped ??= (async () => {
        Atomics.store(new Int32Array(stop), 0, 1);
        await Promise.all(workers);
      })();
      return stopped;
    },
  };
}
