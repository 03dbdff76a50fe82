/**
 * 秒批 latency, both topologies, one table (docs/performance.md, docs/approval.md):
 *
 *   pnpm bench:approval      (BENCH_SAMPLES=n per topology, default 200; BENCH_TOPOLOGIES=embedded or distributed
 *                             to run one)
 *
 * One sample: a window clerk submits an application for 印章刻制备案 (the demo catalog's auto-approvable matter,
 * `seal-engraving-filing`) with every material, checks it (→ ApplicationAccepted), then the bench polls approval's
 * case view until the certificate is on it. The latency runs from the start of the submission to the first
 * answer that shows the certificate: acceptance, the case opened, 秒批 decided, the certificate issued and sealed
 * (SM2) and recorded, all visible in approval's read model. Samples run one after another (the latency of one
 * application, not a load test).
 *
 * - embedded: the platform in a process of its own (`embedded-server.ts`: every service, SQLite, the demo
 *   catalog), as ./scripts/start runs it; the case view is polled every 1 ms.
 * - distributed: every service its own process on PostgreSQL and a Kafka broker of the bench's own (scripts/kafka
 *   on free ports), behind the gateway, as ./scripts/stack runs it; the matter is published through the API; the
 *   case view is polled every 5 ms.
 *
 * The aims: p99 ≤ 50 ms embedded, ≤ 500 ms distributed. The polling interval bounds the resolution.
 */
import { fork } from "node:child_process";
import type { FromServer } from "./embedded-server.ts";
import {
  AIMS,
  INSTANT_MATTER,
  instantApprovalSamples,
  pct,
  type Topology,
  withDistributedPlatform,
} from "./instant-approval.ts";
import { PLATFORM_NODE_FLAGS } from "./node-flags.ts";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
if (!(SAMPLES > 0)) throw new Error("BENCH_SAMPLES must be a positive number");
const WARM_UP = 10;
const topologies = (process.env.BENCH_TOPOLOGIES ?? "embedded,distributed").split(",");
const measure = (url: string, topology: Topology) => instantApprovalSamples(url, topology, SAMPLES, WARM_UP);

async function embedded() {
  const child = fork(new URL("./embedded-server.ts", import.meta.url), [], {
    execArgv: [...process.execArgv, ...PLATFORM_NODE_FLAGS],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env: { ...process.env, NODE_ENV: "test", BENCH_LOG_LEVEL: "warn" },
  });
  const next = (type: FromServer["type"], timeoutMs: number) =>
    new Promise<FromServer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} from the embedded platform`)), timeoutMs);
      const onExit = () => reject(new Error(`the embedded platform exited before ${type}`));
      child.once("exit", onExit);
      const onMessage = (m: FromServer) => {
        if (m.type !== type) return;
        clearTimeout(timer);
        child.off("exit", onExit);
        child.off("message", onMessage);
        resolve(m);
      };
      child.on("message", onMessage);
    });
  try {
    const ready = (await next("ready", 180_000)) as Extract<FromServer, { type: "ready" }>;
    return await measure(`http://127.0.0.1:${ready.port}`, "embedded");
  } finally {
    if (child.exitCode === null) {
      const stopped = next("stopped", 30_000).catch(() => child.kill("SIGKILL"));
      child.send({ type: "stop" });
      await stopped;
    }
  }
}

const distributed = () => withDistributedPlatform([INSTANT_MATTER], (url) => measure(url, "distributed"));

const ms = (x: number) => `${x.toFixed(1)} ms`;
const rows: string[] = [];
for (const topology of topologies as Topology[]) {
  if (!(topology in AIMS)) throw new Error(`unknown topology ${topology}`);
  const { total, afterAcceptance } = topology === "embedded" ? await embedded() : await distributed();
  const p99 = pct(total, 0.99);
  rows.push(
    `| 秒批, submission → certificate in approval's read model, ${topology} | ${ms(pct(total, 0.5))} | ${ms(p99)} | ${ms(Math.max(...total))} | ` +
      `${ms(pct(afterAcceptance, 0.5))} / ${ms(pct(afterAcceptance, 0.99))} | ≤ ${AIMS[topology]} ms | ${p99 <= AIMS[topology] ? "met" : "NOT met"} |`,
  );
  process.stdout.write(`${topology}: ${total.length} samples measured\n`);
}
process.stdout.write(
  `\n秒批 latency, ${SAMPLES} applications one after another per topology (after ${WARM_UP} not counted)\n\n` +
    "| row | p50 | p99 | max | after acceptance p50 / p99 | aim (p99) | aim |\n" +
    "|---|---|---|---|---|---|---|\n" +
    `${rows.join("\n")}\n`,
);
