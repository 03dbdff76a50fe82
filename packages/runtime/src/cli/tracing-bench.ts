/**
 * Tracing overhead, off against on, measured on a real service process (testing/traced-service.ts: fastify,
 * an event-store append on SQLite, a log line) started exactly as production starts it, with
 * `node --import packages/telemetry/src/register.ts`:
 *
 *   pnpm bench:tracing                 (BENCH_REQUESTS=2000 by default, BENCH_ROUNDS=2)
 *
 * "off": no OTEL_* (the entry loads nothing). "on": OTEL_TRACES_EXPORTER=otlp over HTTP (JSON) to a receiver
 * in this script that answers 200 at once, every trace sampled. Each round starts both processes afresh and
 * runs the same requests one after the other over one keep-alive connection, off and on alternately, so that
 * a busy machine slows both alike. Prints start-up time to ready, requests per second and p50/p99 latency.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const root = resolve(import.meta.dirname, "../../../..");
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

async function receiver() {
  let spans = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      spans += (body.match(/"spanId"/g) ?? []).length;
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, spans: () => spans, close: () => server.close() };
}

async function start(port: number, otel: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "tracing-bench-"));
  const began = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      join(root, "packages/telemetry/src/register.ts"),
      join(root, "packages/runtime/src/testing/traced-service.ts"),
    ],
    {
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "test",
        LOG_LEVEL: "info",
        HOST: "127.0.0.1",
        PORT: String(port),
        EVENT_STORE: "sqlite",
        EVENT_BUS: "embedded",
        DATA_DIR: dir,
        ...otel,
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null) throw new Error("the service exited");
    await sleep(50);
  }
  const startupMs = performance.now() - began;
  return {
    startupMs,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function load(port: number, tag: string) {
  const times: number[] = [];
  const began = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/traced/things/${tag}${i % 50}`, { method: "POST" });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    times.push(performance.now() - t);
  }
  const seconds = (performance.now() - began) / 1000;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  return { rps: REQUESTS / seconds, p50: at(0.5), p99: at(0.99) };
}

const rec = await receiver();
const modes = {
  off: {},
  on: {
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_EXPORTER_OTLP_ENDPOINT: rec.url,
    OTEL_SERVICE_NAME: "traced",
  },
} as const;
const results: Record<string, { startupMs: number; rps: number; p50: number; p99: number }[]> = {
  off: [],
  on: [],
};
let port = 18_600 + Math.floor(Math.random() * 300);
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of ["off", "on"] as const) {
    port++;
    const service = await start(port, modes[mode]);
    await load(port, "w"); // warm-up
    const figures = await load(port, `r${round}`);
    await service.stop();
    results[mode]?.push({ startupMs: service.startupMs, ...figures });
  }
}
rec.close();
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
process.stdout.write(
  `tracing overhead: ${REQUESTS} sequential POSTs (fastify + SQLite append + a log line), ${ROUNDS} rounds, medians\n`,
);
process.stdout.write("mode | start-up to ready | requests/s | p50 ms | p99 ms\n");
for (const mode of ["off", "on"] as const) {
  const r = results[mode] ?? [];
  process.stdout.write(
    `${mode} | ${median(r.map((x) => x.startupMs)).toFixed(0)} ms | ${median(r.map((x) => x.rps)).toFixed(0)} | ${median(r.map((x) => x.p50)).toFixed(2)} | ${median(r.map((x) => x.p99)).toFixed(2)}\n`,
  );
}
process.stdout.write(`spans received while on: ${rec.spans()}\n`);
