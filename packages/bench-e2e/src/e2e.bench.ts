/**
 * The platform end to end, through HTTP, in one run on this machine, printed as one table:
 *
 *   pnpm bench:e2e      (BENCH_SCALE=0.2 for a quick run; BENCH_PROFILE=false without the profile;
 *                        BENCH_PROFILE_DIR=folder keeps the .cpuprofile there)
 *
 * 1. The embedded platform (`embedded-server.ts`: every service in one process, SQLite in a temporary folder,
 *    the demo catalog loaded) in a process of its own, under `node --cpu-prof`.
 * 2. Full lifecycle: autocannon, 10 connections, each submitting an application for the demo matter
 *    公共场所卫生许可 with every material, then checking it (→ ApplicationAccepted, with a case number);
 *    applications accepted per second.
 * 3. The command endpoint `POST /intake/applications` (submissions only) with autocannon, then a bare fastify
 *    POST route (`bare-server.ts`, its own process too) with the same body and settings: the ratio. Then the
 *    same bare route storing each body durably (one SQLite INSERT and fsync per request) as a second yardstick.
 * 4. The platform's resident memory idle after start and at the end of the load (and its peak).
 * 5. Where the time goes: the profile's samples taken during the lifecycle load, top 10 functions by self time.
 * 6. 秒批 latency (submission → certificate in approval's read model, one application at a time, as
 *    `pnpm bench:approval` measures it), on the embedded platform before its load.
 * 7. Distributed (BENCH_DISTRIBUTED=false leaves it out): every service its own process on PostgreSQL and a Kafka
 *    broker of the bench's own, behind the gateway (as ./scripts/stack runs it): 秒批 latency, then the same
 *    full-lifecycle load through the gateway.
 *
 * autocannon runs in this process, on the same two cores as the server it measures: the numbers are what one
 * machine does with its load generator on it, the same for the platform and for the bare route.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { mintToken } from "@gov/service-kit";
import autocannon from "autocannon";
import { type HotFunction, topSelfTime } from "./cpu-profile.ts";
import { cpuShares, cpuSnapshot, pidsNamed } from "./cpu-times.ts";
import type { FromServer, ToServer } from "./embedded-server.ts";
import {
  AIMS,
  INSTANT_MATTER,
  instantApprovalSamples,
  pct,
  type Topology,
  withDistributedPlatform,
} from "./instant-approval.ts";
import { PLATFORM_NODE_FLAGS } from "./node-flags.ts";

const scale = Number(process.env.BENCH_SCALE ?? "1");
if (!(scale > 0)) throw new Error("BENCH_SCALE must be a positive number");
const profile = process.env.BENCH_PROFILE !== "false";
/** A folder to keep the .cpuprofile in (open it in Chrome DevTools or speedscope); a temporary one otherwise. */
const keepProfileIn = process.env.BENCH_PROFILE_DIR;
const seconds = (base: number) => Math.max(2, Math.round(base * scale));
const distributed = process.env.BENCH_DISTRIBUTED !== "false";
/** A folder for a V8 heap snapshot of the embedded platform after its load (none without it). */
const keepSnapshotIn = process.env.BENCH_HEAP_SNAPSHOT_DIR;
const INSTANT_SAMPLES = Math.max(20, Math.round(100 * scale));
const LIFECYCLE_MATTER = "public-place-hygiene-licence";
const CONNECTIONS = 10;
const root = resolve(import.meta.dirname, "../../..");
const MB = 1024 * 1024;

const hash = (c: string) => c.repeat(64);
const provided = (materialId: string, c: string) => ({
  materialId,
  provision: "provided",
  file: { uri: `file:///bench/${materialId}.pdf`, sha256: hash(c) },
});
/** 杭州示例科技有限公司 (demo subject) applies for 公共场所卫生许可 (demo matter) with every material. */
const submission = JSON.stringify({
  matterId: LIFECYCLE_MATTER,
  channel: "window",
  applicant: { kind: "organisation", creditCode: "91330106MA2K5N9R4F" },
  materials: [
    provided("M01", "a"),
    { materialId: "LIC", provision: "certificate", certificateId: "ZZ-330106-000123" },
    provided("M03", "b"),
    provided("M04", "c"),
  ],
});

/** Waits, with a deadline, until the platform's /health/ready answers 200. */
async function untilReady(port: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`the platform was not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits, with a deadline, until a submission for the lifecycle's matter is taken: a distributed intake learns of
 * a newly published matter from the catalog's events, a moment after the publication.
 */
async function untilSubmissionsOpen(url: string, token: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${url}/intake/applications`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: submission,
    });
    await res.arrayBuffer();
    if (res.status === 201) return;
    if (Date.now() > deadline)
      throw new Error(`submissions still answer ${res.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A forked server, spoken to over IPC. */
class Server {
  private waiting: Array<{ type: string; resolve: (m: FromServer) => void }> = [];
  readonly child: ChildProcess;
  constructor(script: string, execArgv: string[] = [], env: Record<string, string> = {}) {
    this.child = fork(join(import.meta.dirname, script), [], {
      execArgv: [...process.execArgv, ...execArgv],
      // The platform's JSON log lines are written (as in production) and discarded.
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      env: { ...process.env, NODE_ENV: "test", ...env },
    });
    this.child.on("message", (m: FromServer) => {
      const i = this.waiting.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiting.splice(i, 1)[0]?.resolve(m);
    });
  }
  next<T extends FromServer["type"]>(
    type: T,
    timeoutMs = 180_000,
  ): Promise<Extract<FromServer, { type: T }>> {
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} from ${this.child.pid}`)), timeoutMs);
      const onExit = () => reject(new Error(`the server exited before ${type}`));
      this.child.once("exit", onExit);
      this.waiting.push({
        type,
        resolve: (m) => {
          clearTimeout(timer);
          this.child.off("exit", onExit);
          resolvePromise(m as Extract<FromServer, { type: T }>);
        },
      });
    });
  }
  async ask<T extends FromServer["type"]>(message: ToServer, type: T) {
    const answer = this.next(type);
    this.child.send(message);
    return answer;
  }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.send({ type: "stop" });
    const killer = setTimeout(() => this.child.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(killer);
  }
}

interface Load {
  perSecond: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function commandLoad(url: string, token: string, durationS: number): Promise<Load> {
  const result = await autocannon({
    url: `${url}/intake/applications`,
    method: "POST",
    connections: CONNECTIONS,
    duration: durationS,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: submission,
  });
  return {
    perSecond: result.requests.total / (result.duration || durationS),
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** The bare route (`bare-server.ts`, `env` picks the kind) in a process of its own, warmed up, then loaded. */
async function bareRouteLoad(token: string, env: Record<string, string>): Promise<Load> {
  const bare = new Server("bare-server.ts", [], env);
  try {
    const { port } = await bare.next("ready");
    const url = `http://127.0.0.1:${port}`;
    await commandLoad(url, token, seconds(2)); // warm-up
    return await commandLoad(url, token, seconds(10));
  } finally {
    await bare.stop();
  }
}

/** Submit → check → accepted, over and over on each connection; counts the checks that answered accepted. */
async function lifecycleLoad(url: string, token: string, durationS: number) {
  let accepted = 0;
  let other = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: durationS,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    requests: [
      {
        method: "POST",
        path: "/intake/applications",
        body: submission,
        onResponse: (status, body, context) => {
          const reply = status === 201 ? (JSON.parse(body) as { id: string; position?: string }) : undefined;
          Object.assign(context, { id: reply?.id ?? "missing", position: reply?.position });
        },
      },
      {
        method: "POST",
        body: "{}",
        // The submission's position: the check then finds it in intake's read model in either topology.
        setupRequest: (request, context) => {
          const { id, position } = context as { id?: string; position?: string };
          return {
            ...request,
            path: `/intake/applications/${id}/check`,
            headers: { ...request.headers, ...(position ? { "min-log-position": position } : {}) },
          };
        },
        onResponse: (status, body) => {
          const events = status === 200 ? (JSON.parse(body) as { events: { type: string }[] }).events : [];
          if (events.some((e) => e.type === "ApplicationAccepted")) accepted++;
          else other++;
        },
      },
    ],
  });
  return {
    perSecond: accepted / (result.duration || durationS),
    seconds: result.duration || durationS,
    accepted,
    other,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  const profileDir = keepProfileIn
    ? resolve(keepProfileIn)
    : mkdtempSync(join(tmpdir(), "bench-e2e-profile-"));
  const token = await mintToken({ sub: "bench-clerk", role: "window-clerk", region: "330100" });
  const platform = new Server("embedded-server.ts", [
    ...PLATFORM_NODE_FLAGS,
    // Lets the bench ask for a full collection before it reads the heap kept after the load (no effect otherwise).
    "--expose-gc",
    ...(profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
  ]);
  let hot: HotFunction[] = [];
  try {
    const { port } = await platform.next("ready");
    await untilReady(port); // start-up work (demo data, read models) done before measuring idle memory
    const idle = await platform.ask({ type: "memory" }, "memory");
    const url = `http://127.0.0.1:${port}`;
    const instant: Partial<Record<Topology, number[]>> = {};
    instant.embedded = (await instantApprovalSamples(url, "embedded", INSTANT_SAMPLES)).total;

    await lifecycleLoad(url, token, seconds(3)); // warm-up: JIT, caches, SQLite pages
    const from = await platform.ask({ type: "mark", label: "lifecycle" }, "mark");
    const lifecycle = await lifecycleLoad(url, token, seconds(20));
    const to = await platform.ask({ type: "mark", label: "lifecycle" }, "mark");

    const command = await commandLoad(url, token, seconds(10));
    const loaded = await platform.ask({ type: "memory" }, "memory");
    const kept = await platform.ask({ type: "memory", collect: true }, "memory");
    if (keepSnapshotIn) {
      const { file } = await platform.ask({ type: "snapshot", dir: resolve(keepSnapshotIn) }, "snapshot");
      process.stderr.write(`heap snapshot after the load: ${file}\n`);
    }

    await platform.stop();
    const bareLoad = await bareRouteLoad(token, {});
    const durableBareLoad = await bareRouteLoad(token, { BARE_DURABLE: "1" });

    let distributedLifecycle:
      | (Awaited<ReturnType<typeof lifecycleLoad>> & {
          transactions: number;
          cpu: ReturnType<typeof cpuShares>;
        })
      | undefined;
    if (distributed) {
      distributedLifecycle = await withDistributedPlatform(
        [INSTANT_MATTER, LIFECYCLE_MATTER],
        async (gateway, platform, broker) => {
          instant.distributed = (await instantApprovalSamples(gateway, "distributed", INSTANT_SAMPLES)).total;
          await untilSubmissionsOpen(gateway, token);
          await lifecycleLoad(gateway, token, seconds(3)); // warm-up
          // Where the two cores go: every process of the platform, the broker, PostgreSQL and this process
          // (autocannon), from /proc.
          const groups = () => ({
            ...Object.fromEntries(Object.entries(platform.pids()).map(([name, pid]) => [name, [pid]])),
            "Kafka broker": broker.pid === undefined ? [] : [broker.pid],
            PostgreSQL: pidsNamed("postgres"),
            "this bench (autocannon)": [process.pid],
          });
          const before = await platform.databaseTransactions();
          const cpuBefore = cpuSnapshot(groups());
          const load = await lifecycleLoad(gateway, token, seconds(20));
          const cpu = cpuShares(cpuBefore, cpuSnapshot(groups()), load.seconds);
          return { ...load, transactions: (await platform.databaseTransactions()) - before, cpu };
        },
      );
    }
    if (profile) {
      // The newest: a kept folder may hold earlier runs' profiles.
      const file = readdirSync(profileDir)
        .filter((f) => f.endsWith(".cpuprofile"))
        .sort((a, b) => statSync(join(profileDir, b)).mtimeMs - statSync(join(profileDir, a)).mtimeMs)[0];
      const window = { fromUs: from.atUs, toUs: to.atUs };
      if (file) hot = topSelfTime(join(profileDir, file), root, 10, window);
      // A kept profile's lifecycle window, on the profile's clock, for a closer look than the top 10.
      if (file && keepProfileIn)
        writeFileSync(join(profileDir, `${file}.lifecycle.json`), JSON.stringify(window));
    }

    const ratio = command.perSecond / bareLoad.perSecond;
    const durableRatio = command.perSecond / durableBareLoad.perSecond;
    const lifecycleValue = (l: typeof lifecycle) =>
      `${fmt(l.perSecond)} (${fmt(l.accepted)} accepted, ${l.other} not; p99 ${l.p99} ms a request)`;
    // Every service's events, reactions included: what an application costs the platform, whatever it grows to.
    const appended = to.logPosition - from.logPosition;
    const eventsValue = `${fmt(appended / lifecycle.seconds)} events/s (${fmt(appended / Math.max(1, lifecycle.accepted), 1)} an accepted application)`;
    const instantRow = (topology: Topology): string[] => {
      const xs = instant[topology];
      if (!xs) return [`秒批, ${topology}`, "not measured (BENCH_DISTRIBUTED=false)", "", ""];
      const p99 = pct(xs, 0.99);
      return [
        `秒批 p50 / p99, submission → certificate visible (${topology}, ${xs.length} one at a time)`,
        `${fmt(pct(xs, 0.5), 1)} / ${fmt(p99, 1)} ms`,
        `p99 ≤ ${AIMS[topology]} ms`,
        p99 <= AIMS[topology] ? "met" : "not met",
      ];
    };
    const rows: string[][] = [
      ["measure", "value", "aim", "verdict"],
      [
        `applications/s, submit → check → accepted (embedded, HTTP, ${CONNECTIONS} connections${profile ? ", profiled" : ""})`,
        lifecycleValue(lifecycle),
        "≥ 300",
        lifecycle.perSecond >= 300 ? "met" : "not met",
      ],
      ["events appended by every service during that load (embedded)", eventsValue, "", ""],
      distributedLifecycle
        ? [
            `applications/s, submit → check → accepted (distributed, through the gateway, ${CONNECTIONS} connections)`,
            lifecycleValue(distributedLifecycle),
            "",
            "",
          ]
        : ["applications/s, distributed", "not measured (BENCH_DISTRIBUTED=false)", "", ""],
      ...(distributedLifecycle
        ? [
            [
              "PostgreSQL transactions during that load, per accepted application (distributed)",
              fmt(distributedLifecycle.transactions / Math.max(1, distributedLifecycle.accepted)),
              "",
              "",
            ],
            [
              `CPU during that load, % of one core (distributed; ${availableParallelism()} cores = ${availableParallelism() * 100} %)`,
              distributedLifecycle.cpu.map((c) => `${c.name} ${fmt(c.percent)} %`).join(", "),
              "",
              "",
            ],
          ]
        : []),
      [
        "POST /intake/applications req/s (platform)",
        `${fmt(command.perSecond)} (p99 ${command.p99} ms; non-2xx ${command.non2xx})`,
        "",
        "",
      ],
      ["POST req/s (bare fastify route)", `${fmt(bareLoad.perSecond)} (p99 ${bareLoad.p99} ms)`, "", ""],
      ["platform ÷ bare", `${fmt(ratio, 2)}×`, "≥ 0.5×", ratio >= 0.5 ? "met" : "not met"],
      [
        "POST req/s (bare route + one durable SQLite INSERT per request)",
        `${fmt(durableBareLoad.perSecond)} (p99 ${durableBareLoad.p99} ms)`,
        "",
        "",
      ],
      ["platform ÷ durable bare", `${fmt(durableRatio, 2)}×`, "", ""],
      [
        "RSS idle after start",
        `${fmt(idle.rss / MB)} MB (heap ${fmt(idle.heapUsed / MB)} MB)`,
        "≤ 300 MB",
        idle.rss <= 300 * MB ? "met" : "not met",
      ],
      [
        "RSS at the end of the load (peak)",
        `${fmt(loaded.rss / MB)} MB (${fmt(loaded.maxRss / MB)} MB); V8 heap ${fmt(loaded.heapUsed / MB)} used of ${fmt(loaded.heapTotal / MB)} MB, external ${fmt(loaded.external / MB)} MB`,
        "≤ 300 MB",
        loaded.maxRss <= 300 * MB ? "met" : "not met",
      ],
      [
        "after a full garbage collection",
        `${fmt(kept.rss / MB)} MB; V8 heap ${fmt(kept.heapUsed / MB)} used of ${fmt(kept.heapTotal / MB)} MB`,
        "",
        "",
      ],
      instantRow("embedded"),
      instantRow("distributed"),
    ];
    const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? "")].length))) ?? [];
    const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(" | ")} |`;
    const out = [
      line(rows[0] ?? []),
      `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
      ...rows.slice(1).map(line),
    ];
    out.push(
      "",
      `BENCH_SCALE=${scale}: lifecycle ${seconds(20)} s after a ${seconds(3)} s warm-up, each POST load ${seconds(10)} s; Node ${process.version}.`,
    );
    if (hot.length > 0) {
      out.push(
        "",
        "Where the time goes (embedded, during the lifecycle load; self time, share of busy CPU):",
        "",
      );
      out.push("| # | function | where | self ms | share |", "|---|---|---|---|---|");
      hot.forEach((h, i) => {
        out.push(`| ${i + 1} | ${h.name} | ${h.where} | ${fmt(h.selfMs)} | ${fmt(h.share * 100, 1)}% |`);
      });
    }
    process.stdout.write(`${out.join("\n")}\n`);
  } finally {
    await platform.stop().catch(() => undefined);
    if (!keepProfileIn) rmSync(profileDir, { recursive: true, force: true });
  }
}

await main();
