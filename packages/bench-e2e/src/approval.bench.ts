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
import { performance } from "node:perf_hooks";
import { startDistributed } from "@gov/gateway/src/scenarios/platform.ts";
import { demoMatters } from "@gov/matters/demo";
import { mintToken } from "@gov/service-kit";
import { LocalKafkaBroker } from "@gov/testing";
import type { FromServer } from "./embedded-server.ts";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
if (!(SAMPLES > 0)) throw new Error("BENCH_SAMPLES must be a positive number");
const WARM_UP = 10;
const topologies = (process.env.BENCH_TOPOLOGIES ?? "embedded,distributed").split(",");
const MATTER = "seal-engraving-filing";
const demo = demoMatters.find((m) => m.matterId === MATTER);
if (!demo) throw new Error(`the demo catalog has no ${MATTER}`);
const elements = demo.elements;
const department = elements.implementingDepartment.creditCode;
/** The README's "Try it" application: 杭州示例科技有限公司 files its seal engraving with every material. */
const submission = {
  matterId: MATTER,
  channel: "online",
  applicant: { kind: "organisation", creditCode: "91330106MA2K5N9R4F" },
  materials: [
    { materialId: "LIC", provision: "certificate", certificateId: "ZZ-330106-000123" },
    { materialId: "ID", provision: "certificate", certificateId: "ZZ-ID-000456" },
    {
      materialId: "M03",
      provision: "provided",
      file: { uri: "file:///bench/m03.pdf", sha256: "a".repeat(64) },
    },
  ],
};

const AIMS = { embedded: 50, distributed: 500 } as const;
const POLL_MS = { embedded: 1, distributed: 5 } as const;
type Topology = keyof typeof AIMS;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * q) - 1)] ?? Number.NaN;

interface Tokens {
  clerk: string;
  officer: string;
  admin: string;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function call(url: string, token: string, method: string, body?: object) {
  const res = await fetch(url, {
    method,
    headers: { ...bearer(token), ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
  const json: any = await res.json().catch(() => undefined);
  return { status: res.status, json };
}

/** One application from submission to its certificate in approval's read model; milliseconds. */
async function sample(url: string, t: Tokens, topology: Topology, deadlineMs: number, warmingUp = false) {
  const started = performance.now();
  let submitted = await call(`${url}/intake/applications`, t.clerk, "POST", submission);
  // Warming up, intake's copy of the catalog may not show the matter yet (distributed): retried, not counted.
  while (warmingUp && submitted.status === 404 && performance.now() - started < deadlineMs) {
    await sleep(100);
    submitted = await call(`${url}/intake/applications`, t.clerk, "POST", submission);
  }
  if (submitted.status !== 201)
    throw new Error(`submission: ${submitted.status} ${JSON.stringify(submitted.json)}`);
  const id = submitted.json.id as string;
  for (;;) {
    const checked = await call(`${url}/intake/applications/${id}/check`, t.clerk, "POST", {});
    if (checked.status === 200) {
      const types = (checked.json.events as { type: string }[]).map((e) => e.type);
      if (!types.includes("ApplicationAccepted"))
        throw new Error(`not accepted: ${JSON.stringify(checked.json)}`);
      break;
    }
    // A distributed intake may not have its own write in its read model yet: the check is retried.
    if (checked.status !== 404 || performance.now() - started > deadlineMs)
      throw new Error(`check: ${checked.status} ${JSON.stringify(checked.json)}`);
    await sleep(POLL_MS[topology]);
  }
  const accepted = performance.now();
  const certificateNo = `PMT-${id}-01`;
  for (;;) {
    const res = await fetch(`${url}/approval/cases/${id}`, { headers: bearer(t.officer) });
    if (res.status === 200) {
      const view = (await res.json()) as { certificate?: { certificateNo: string }; autoApproval?: unknown };
      if (view.certificate?.certificateNo === certificateNo)
        return { total: performance.now() - started, afterAcceptance: performance.now() - accepted };
      if (view.certificate) throw new Error(`case ${id}: certificate ${view.certificate.certificateNo}`);
    } else await res.arrayBuffer();
    if (performance.now() - started > deadlineMs)
      throw new Error(`case ${id}: no certificate in approval's read model within ${deadlineMs} ms`);
    await sleep(POLL_MS[topology]);
  }
}

async function measure(url: string, topology: Topology) {
  const t: Tokens = {
    clerk: await mintToken({ sub: "bench-clerk", role: "window-clerk", region: elements.region }),
    officer: await mintToken({ sub: "bench-officer", role: "officer", department }),
    admin: await mintToken({ sub: "bench-admin", role: "admin" }),
  };
  // Warm-up (the catalog copies fill, the department's seal key is made, code paths get hot): not counted.
  for (let i = 0; i < WARM_UP; i++) await sample(url, t, topology, 120_000, true);
  const total: number[] = [];
  const afterAcceptance: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const s = await sample(url, t, topology, 30_000);
    total.push(s.total);
    afterAcceptance.push(s.afterAcceptance);
  }
  return { total, afterAcceptance };
}

async function embedded() {
  const child = fork(new URL("./embedded-server.ts", import.meta.url), [], {
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

async function distributed() {
  const broker = new LocalKafkaBroker();
  await broker.start();
  const platform = await startDistributed({ brokers: broker.brokers }).catch(async (error) => {
    await broker.dispose();
    throw error;
  });
  try {
    const admin = await mintToken({ sub: "bench-admin", role: "admin" });
    const officer = await mintToken({ sub: "bench-officer", role: "officer", department });
    const steps: [string, string, string, object | undefined][] = [
      ["POST", "/matters/", admin, { matterId: MATTER, elements }],
      ["POST", `/matters/${MATTER}/claim`, officer, undefined],
      ["POST", `/matters/${MATTER}/publish`, admin, {}],
    ];
    for (const [method, path, token, body] of steps) {
      const r = await call(`${platform.url}${path}`, token, method, body);
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
    }
    return await measure(platform.url, "distributed");
  } finally {
    await platform.stop();
    await broker.dispose();
  }
}

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
