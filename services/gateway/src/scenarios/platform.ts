import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { dropSchema, freshSchema, testConnectionString } from "@gov/eventsourcing/testing/postgres";
import { loadConfig, shutdown } from "@gov/service-kit";
import { kafkaBrokers } from "@gov/testing";
import { createGateway } from "../gateway.ts";

/** A running platform the scenarios talk to over HTTP, whichever topology it has. */
export interface Platform {
  url: string;
  /** The service processes, for the crash test (empty in embedded mode). */
  processes: { name: string; child: ChildProcess; log: string[] }[];
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, "../../../..");
export const SERVICES = ["matters", "credit", "intake"] as const;

export const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });

async function ready(url: string, what: string, log: () => string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${what} never became ready: ${log().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Embedded mode: every service in this process on one SQLite file, as ./scripts/start runs it. */
export async function startEmbedded(): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), "scenarios-embedded-"));
  const app = await createGateway(loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }), {
    dataDir,
    adjustableClock: true,
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  await ready(url, "the embedded platform", () => "");
  return {
    url,
    processes: [],
    async stop() {
      await shutdown(app);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Distributed mode, as ./scripts/stack runs it: each service its own OS process on PostgreSQL (a fresh schema)
 * and the real Kafka broker, behind the path-routing gateway.
 */
export async function startDistributed(options: { brokers?: string[] } = {}): Promise<
  Platform & {
    restart(name: string): Promise<void>;
    schema: string;
    connectionString: string;
    ports: Record<string, number>;
  }
> {
  const schema = freshSchema("scenarios");
  const dataDir = mkdtempSync(join(tmpdir(), "scenarios-stack-"));
  const cs = testConnectionString() ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const ports: Record<string, number> = {};
  for (const name of SERVICES) ports[name] = await freePort();
  const gatewayPort = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    HOST: "127.0.0.1",
    EVENT_STORE: "postgres",
    DATABASE_URL: cs,
    EVENT_STORE_SCHEMA: schema,
    EVENT_BUS: "kafka",
    KAFKA_BROKERS: (options.brokers ?? kafkaBrokers()).join(","),
    DATA_DIR: dataDir,
    DEMO_DATA: "false",
    CLOCK: "adjustable",
    RELAY_LEASE_TTL_MS: "2000",
  };
  const processes: Platform["processes"] = [];
  const launch = (name: string, script: string, port: number, extra: Record<string, string> = {}) => {
    const log: string[] = [];
    const child = spawn(process.execPath, [join(root, script)], {
      env: { ...env, PORT: String(port), ...extra },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d) => log.push(String(d)));
    child.stderr?.on("data", (d) => log.push(String(d)));
    return { name, child, log };
  };
  for (const name of SERVICES)
    processes.push(launch(name, `services/${name}/src/main.ts`, ports[name] as number));
  const upstreams = SERVICES.map((n) => `${n}=http://127.0.0.1:${ports[n]}`).join(",");
  const gateway = launch("gateway", "services/gateway/src/proxy-main.ts", gatewayPort, {
    UPSTREAMS: upstreams,
  });
  for (const p of processes) await ready(`http://127.0.0.1:${ports[p.name]}`, p.name, () => p.log.join(""));
  const url = `http://127.0.0.1:${gatewayPort}`;
  await ready(url, "the gateway", () => gateway.log.join(""));
  const exited = (child: ChildProcess) =>
    new Promise((r) =>
      child.exitCode !== null || child.signalCode !== null ? r(null) : child.once("exit", r),
    );
  return {
    url,
    processes,
    schema,
    connectionString: cs,
    ports,
    /** SIGKILLs nothing: starts the named service again after the caller killed it, and waits until it is ready. */
    async restart(name: string) {
      const i = processes.findIndex((p) => p.name === name);
      const old = processes[i];
      if (old) await exited(old.child);
      const next = launch(name, `services/${name}/src/main.ts`, ports[name] as number);
      processes[i] = next;
      await ready(`http://127.0.0.1:${ports[name]}`, name, () => next.log.join(""));
    },
    async stop() {
      for (const p of [...processes, gateway]) p.child.kill("SIGTERM");
      await Promise.all([...processes, gateway].map((p) => exited(p.child)));
      rmSync(dataDir, { recursive: true, force: true });
      await dropSchema(schema);
    },
  };
}
