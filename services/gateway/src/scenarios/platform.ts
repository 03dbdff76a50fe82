import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { dropSchema, freshSchema, testConnectionString } from "@gov/eventsourcing/testing/postgres";
import { projectionSchema } from "@gov/runtime";
import { loadConfig, shutdown } from "@gov/service-kit";
import { freePort, kafkaBrokers, spawnTracked, stopProcesses, type TrackedChild } from "@gov/testing";
import { createGateway } from "../gateway.ts";
import { skipIdleGroupsToEnd } from "./kafka-groups.ts";

/** A running platform the scenarios talk to over HTTP, whichever topology it has. */
export interface Platform {
  url: string;
  /** The service processes, for the crash test (empty in embedded mode). */
  processes: { name: string; child: ChildProcess; log: string[] }[];
  /** Changes one stored event's data straight in the database, past every service (the audit scenario). */
  tamper(eventId: string): Promise<void>;
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, "../../../..");
export const SERVICES = ["matters", "credit", "intake", "approval", "review-and-monitor", "audit"] as const;

export { freePort };

/**
 * Polls `/health/ready` until 200. Fails at once (with the process's log) when `child` exits meanwhile, and
 * after `timeoutMs` otherwise.
 */
async function ready(
  url: string,
  what: string,
  log: () => string,
  options: { timeoutMs?: number; child?: ChildProcess } = {},
) {
  const deadline = Date.now() + (options.timeoutMs ?? READY_TIMEOUT_MS);
  for (;;) {
    const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5000) }).catch(
      () => undefined,
    );
    if (res?.status === 200) return;
    const child = options.child;
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(
        `${what} exited (${child.exitCode ?? child.signalCode}) before it became ready: ${log().slice(-2000)}`,
      );
    }
    if (Date.now() > deadline) {
      const body = res ? await res.text().catch(() => "") : "no answer";
      throw new Error(`${what} never became ready (last: ${body.slice(0, 500)}): ${log().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * How long the distributed platform's processes may take, all together, to become ready (a busy CI machine: the
 * default is generous). A test hook that starts it must allow more (`START_HOOK_TIMEOUT_MS`), so that a start that
 * never becomes ready fails inside `startDistributed`, which then stops everything it started; a hook that timed
 * out first would leave the processes running, with nothing holding them.
 */
export const READY_TIMEOUT_MS = Number(process.env.READY_TIMEOUT_MS ?? 150_000);
/** The timeout for a hook that starts the distributed platform: the start's deadline plus time to stop it. */
export const START_HOOK_TIMEOUT_MS = READY_TIMEOUT_MS + 60_000;

/** Embedded mode: every service in this process on one SQLite file, as ./scripts/start runs it. */
export async function startEmbedded(): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), "scenarios-embedded-"));
  const app = await createGateway(loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }), {
    dataDir,
    adjustableClock: true,
  });
  try {
    await app.listen({ port: 0, host: "127.0.0.1" });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    await ready(url, "the embedded platform", () => "");
    return {
      url,
      processes: [],
      async tamper(eventId) {
        const { DatabaseSync } = await import("node:sqlite");
        const db = new DatabaseSync(join(dataDir, "platform.db"));
        try {
          db.prepare(
            "UPDATE events SET envelope = json_set(envelope, '$.data.tampered', 1) WHERE event_id = ?",
          ).run(eventId);
        } finally {
          db.close();
        }
      },
      async stop() {
        await shutdown(app);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await shutdown(app).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

export interface DistributedOptions {
  brokers?: string[];
  /** Extra environment for one process (tests inject a failure this way, e.g. a bad variable). */
  env?: Partial<Record<(typeof SERVICES)[number] | "gateway", Record<string, string>>>;
  /** Told of every process as it is spawned (tests check that none is left). */
  onSpawn?: (name: string, pid: number) => void;
  readyTimeoutMs?: number;
  /** CLOCK_OFFSET_MS of every process (restarts included): the platform runs on a chosen day (`fixedPlatformClock`). */
  clockOffsetMs?: number;
}

export type DistributedPlatform = Platform & {
  restart(name: string): Promise<void>;
  /**
   * Transactions committed or rolled back in the platform's PostgreSQL database so far
   * (`pg_stat_database`, the whole database: a benchmark reads it before and after a load on a quiet server).
   */
  databaseTransactions(): Promise<number>;
  /** The pid of each running process of the platform by name (the services and `gateway`), for CPU accounting. */
  pids(): Record<string, number>;
  schema: string;
  connectionString: string;
  ports: Record<string, number>;
};

/**
 * Distributed mode, as ./scripts/stack runs it: each service its own OS process on PostgreSQL (a fresh schema)
 * and the real Kafka broker, behind the path-routing gateway.
 *
 * The platform's consumer groups have fixed names; the idle ones are first moved to the ends of their topics
 * (`skipIdleGroupsToEnd`), so that events an earlier platform on the same broker left unconsumed are not read.
 *
 * Every process is tracked from the moment it is spawned (its own process group, `@gov/testing`'s tracked
 * children): when the start fails halfway — a process exits, or one never becomes ready — everything started so
 * far is stopped and the schema dropped before the error is thrown; `stop()` stops them all however many were
 * restarted; and a process still running when the test process exits is SIGKILLed by the exit safety net.
 */
export async function startDistributed(options: DistributedOptions = {}): Promise<DistributedPlatform> {
  const schema = freshSchema("scenarios");
  const dataDir = mkdtempSync(join(tmpdir(), "scenarios-stack-"));
  const cs = testConnectionString() ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const started: TrackedChild[] = [];
  let stopped = false;
  const stopAll = async () => {
    stopped = true;
    await stopProcesses(started);
    rmSync(dataDir, { recursive: true, force: true });
    await dropSchema(schema).catch(() => undefined);
    // The services' read models of this run's store (`projectionSchema`).
    for (const name of SERVICES) await dropSchema(projectionSchema(name, schema)).catch(() => undefined);
  };
  try {
    const ports: Record<string, number> = {};
    for (const name of SERVICES) ports[name] = await freePort();
    const gatewayPort = await freePort();
    const brokers = options.brokers ?? kafkaBrokers();
    // This run's store is new: what earlier platforms on this broker left unconsumed is not its business.
    await skipIdleGroupsToEnd(brokers);
    const env = {
      ...process.env,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      HOST: "127.0.0.1",
      EVENT_STORE: "postgres",
      DATABASE_URL: cs,
      EVENT_STORE_SCHEMA: schema,
      EVENT_BUS: "kafka",
      KAFKA_BROKERS: brokers.join(","),
      DATA_DIR: dataDir,
      DEMO_DATA: "false",
      CLOCK: "adjustable",
      ...(options.clockOffsetMs !== undefined ? { CLOCK_OFFSET_MS: String(options.clockOffsetMs) } : {}),
      RELAY_LEASE_TTL_MS: "2000",
    };
    const processes: Platform["processes"] = [];
    const launch = (name: string, script: string, port: number, extra: Record<string, string> = {}) => {
      if (stopped) throw new Error(`the platform was stopped; not starting ${name}`);
      const log: string[] = [];
      const tracked = spawnTracked(name, process.execPath, [join(root, script)], {
        env: {
          ...env,
          PORT: String(port),
          ...extra,
          ...(options.env?.[name as keyof typeof options.env] ?? {}),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      started.push(tracked);
      const { child } = tracked;
      if (child.pid !== undefined) options.onSpawn?.(name, child.pid);
      child.stdout?.on("data", (d) => log.push(String(d)));
      child.stderr?.on("data", (d) => log.push(String(d)));
      return { name, child, log };
    };
    const timeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
    // One deadline for the whole start (each process waited for in turn), a fresh one for each restart.
    const startDeadline = Date.now() + timeoutMs;
    const waitReady = (
      p: { name: string; child: ChildProcess; log: string[] },
      url: string,
      deadline = Date.now() + timeoutMs,
    ) =>
      ready(url, p.name, () => p.log.join(""), {
        child: p.child,
        timeoutMs: Math.max(0, deadline - Date.now()),
      });
    for (const name of SERVICES)
      processes.push(launch(name, `services/${name}/src/main.ts`, ports[name] as number));
    const upstreams = SERVICES.map((n) => `${n}=http://127.0.0.1:${ports[n]}`).join(",");
    const gateway = launch("gateway", "services/gateway/src/proxy-main.ts", gatewayPort, {
      UPSTREAMS: upstreams,
    });
    for (const p of processes) await waitReady(p, `http://127.0.0.1:${ports[p.name]}`, startDeadline);
    const url = `http://127.0.0.1:${gatewayPort}`;
    await waitReady(gateway, url, startDeadline);
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
      async tamper(eventId) {
        const pg = (await import("pg")).default;
        const client = new pg.Client({ connectionString: cs });
        await client.connect();
        try {
          await client.query(
            `UPDATE "${schema}".events SET envelope = (envelope::jsonb || '{"data":{"tampered":1}}'::jsonb)::json WHERE event_id = $1`,
            [eventId],
          );
        } finally {
          await client.end();
        }
      },
      async databaseTransactions() {
        const pg = (await import("pg")).default;
        const client = new pg.Client({ connectionString: cs });
        await client.connect();
        try {
          const result = await client.query<{ n: string }>(
            "SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = current_database()",
          );
          return Number(result.rows[0]?.n ?? 0);
        } finally {
          await client.end();
        }
      },
      pids() {
        const out: Record<string, number> = {};
        for (const p of [...processes, gateway]) {
          if (p.child.pid !== undefined && p.child.exitCode === null && p.child.signalCode === null)
            out[p.name] = p.child.pid;
        }
        return out;
      },
      /** SIGKILLs nothing: starts the named service again after the caller killed it, and waits until it is ready. */
      async restart(name: string) {
        const i = processes.findIndex((p) => p.name === name);
        const old = processes[i];
        if (old) await exited(old.child);
        const next = launch(name, `services/${name}/src/main.ts`, ports[name] as number);
        processes[i] = next;
        await waitReady(next, `http://127.0.0.1:${ports[name]}`);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
