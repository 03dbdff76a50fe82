// Test support: runs packaged services (out/<service>/ folders) the way a pod does — each copied alone into a
// temporary folder, started with START_COMMAND, production settings, PostgreSQL and Kafka — and waits for
// /health/ready.

import { generateKeyPairSync, randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropSchema, freshSchema, testConnectionString } from "@gov/eventsourcing/testing/postgres";
import { freePort, kafkaBrokers, spawnTracked, stopProcesses, type TrackedChild } from "@gov/testing";
import { type ShippedService, START_COMMAND } from "./services.ts";

export interface RunningService {
  name: string;
  url: string;
  pid: number;
  /** Resident set size after it became ready, bytes (from /proc). */
  rssBytes: number;
  log: string[];
}

export interface PackagedPlatform {
  services: RunningService[];
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = Number(process.env.READY_TIMEOUT_MS ?? 180_000);

/** Production settings with fresh secrets, as a Secret would hold them. */
export function productionSecrets(): {
  AUTH_JWT_SECRET: string;
  PII_INDEX_KEY: string;
  PII_MASTER_KEY: string;
  AUDIT_SIGNING_KEY: string;
  SEAL_KEYRING_PASSPHRASE: string;
  REVIEW_SAMPLING_SEED: string;
} {
  return {
    AUTH_JWT_SECRET: randomBytes(48).toString("base64"),
    PII_INDEX_KEY: randomBytes(32).toString("hex"),
    PII_MASTER_KEY: randomBytes(32).toString("hex"),
    // An Ed25519 private key, PKCS#8 DER in base64 (the audit service's checkpoint key).
    AUDIT_SIGNING_KEY: generateKeyPairSync("ed25519")
      .privateKey.export({ format: "der", type: "pkcs8" })
      .toString("base64"),
    SEAL_KEYRING_PASSPHRASE: randomBytes(36).toString("base64"),
    REVIEW_SAMPLING_SEED: randomBytes(32).toString("hex"),
  };
}

export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

async function waitReady(url: string, tracked: TrackedChild, log: string[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5000) }).catch(
      () => undefined,
    );
    if (res?.status === 200) return;
    const { child } = tracked;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${tracked.name} exited (${child.exitCode ?? child.signalCode}): ${log.join("").slice(-2000)}`,
      );
    }
    if (Date.now() > deadline) {
      const body = res ? await res.text().catch(() => "") : "no answer";
      throw new Error(
        `${tracked.name} never became ready (${body.slice(0, 300)}): ${log.join("").slice(-2000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Copies each packaged folder alone into a temporary directory and starts it there: the runtime services first,
 * then the gateway routing to them. Everything started is stopped (and the schema dropped) if any start fails.
 */
export async function startPackaged(
  outRoot: string,
  services: readonly ShippedService[],
  options: { env?: Record<string, string> } = {},
): Promise<PackagedPlatform> {
  const schema = freshSchema("packaged");
  const home = mkdtempSync(join(tmpdir(), "packaged-"));
  const started: TrackedChild[] = [];
  const running: RunningService[] = [];
  const stop = async () => {
    await stopProcesses(started);
    rmSync(home, { recursive: true, force: true });
    await dropSchema(schema).catch(() => undefined);
  };
  const secrets = productionSecrets();
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    EVENT_STORE: "postgres",
    DATABASE_URL: testConnectionString() ?? "postgres://postgres@127.0.0.1:5432/postgres",
    EVENT_STORE_SCHEMA: schema,
    EVENT_BUS: "kafka",
    KAFKA_BROKERS: kafkaBrokers().join(","),
    ...secrets,
    ...options.env,
  };
  try {
    const launch = async (service: ShippedService, extra: Record<string, string> = {}) => {
      const dir = join(home, service.name);
      cpSync(join(outRoot, service.name), dir, { recursive: true, verbatimSymlinks: true });
      const port = await freePort();
      const log: string[] = [];
      const [command, ...args] = START_COMMAND;
      const tracked = spawnTracked(service.name, command === "node" ? process.execPath : command, args, {
        cwd: dir,
        env: {
          ...base,
          DATA_DIR: join(dir, "data"),
          SEAL_KEYRING_DIR: join(dir, "seal-keys"),
          PORT: String(port),
          ...extra,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      started.push(tracked);
      tracked.child.stdout?.on("data", (d) => log.push(String(d)));
      tracked.child.stderr?.on("data", (d) => log.push(String(d)));
      const url = `http://127.0.0.1:${port}`;
      return { service, tracked, url, log };
    };
    const runtime = await Promise.all(services.filter((s) => s.kind === "service").map((s) => launch(s)));
    for (const r of runtime) await waitReady(r.url, r.tracked, r.log);
    const upstreams = runtime.map((r) => `${r.service.name}=${r.url}`).join(",");
    const gateways = await Promise.all(
      services.filter((s) => s.kind === "gateway").map((s) => launch(s, { UPSTREAMS: upstreams })),
    );
    for (const g of gateways) await waitReady(g.url, g.tracked, g.log);
    for (const r of [...runtime, ...gateways]) {
      const pid = r.tracked.child.pid as number;
      running.push({ name: r.service.name, url: r.url, pid, rssBytes: rssOf(pid), log: r.log });
    }
    return { services: running, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
