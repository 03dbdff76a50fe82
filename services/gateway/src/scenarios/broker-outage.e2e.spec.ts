import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  freePort,
  isAlive,
  LocalKafkaBroker,
  spawnTracked,
  stopProcesses,
  type TrackedChild,
  useBackend,
} from "@gov/testing";
import { afterAll, describe, expect, it } from "vitest";

/**
 * Services started while the broker is down, and a broker stopped under them (docs/distributed.md, "When the
 * broker fails"): the processes stay alive, answer `/health/ready` with 503 naming `kafka` while they wait, and
 * become ready by themselves once the broker serves. credit is the service that once died at start-up on
 * `UNKNOWN_TOPIC_OR_PARTITION` while creating its topics; intake follows three topics and counts its lag.
 */
const root = resolve(import.meta.dirname, "../../../..");
const broker = new LocalKafkaBroker(await freePort(true));
const suite = "services outlive a broker that is down at start-up and restarted";
// The broker is started by the test itself; probing it here only checks that scripts/kafka can run at all.
const available = await broker.start().then(
  () => broker.stop().then(() => true as const),
  (error: Error) => ({ reason: `could not start a broker of its own with scripts/kafka: ${error.message}` }),
);
const run = useBackend("kafka", suite, available);
const SERVICES = ["credit", "intake"] as const;

describe.skipIf(!run)(suite, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "broker-outage-"));
  const children: TrackedChild[] = [];
  afterAll(async () => {
    await stopProcesses(children);
    await broker.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }, 180_000);

  it("start with no broker: alive and not ready (kafka); broker up: ready; broker restarted: alive, ready again", {
    timeout: 600_000,
  }, async () => {
    const ports: Record<string, number> = {};
    const logs: Record<string, string[]> = {};
    for (const name of SERVICES) {
      ports[name] = await freePort();
      const log: string[] = [];
      logs[name] = log;
      mkdirSync(join(dataDir, name));
      const child = spawnTracked(name, process.execPath, [join(root, `services/${name}/src/main.ts`)], {
        env: {
          ...process.env,
          NODE_ENV: "test",
          LOG_LEVEL: "warn",
          HOST: "127.0.0.1",
          PORT: String(ports[name]),
          EVENT_STORE: "sqlite",
          DATA_DIR: join(dataDir, name),
          EVENT_BUS: "kafka",
          KAFKA_BROKERS: broker.brokers.join(","),
          DEMO_DATA: "false",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.child.stdout?.on("data", (d) => log.push(String(d)));
      child.child.stderr?.on("data", (d) => log.push(String(d)));
      children.push(child);
    }
    const ready = async (name: string) => {
      const res = await fetch(`http://127.0.0.1:${ports[name]}/health/ready`, {
        signal: AbortSignal.timeout(5000),
      }).catch(() => undefined);
      if (!res) return { status: 0, failing: [] as string[] };
      const body = (await res.json()) as { checks: { name: string; ok: boolean }[] };
      return { status: res.status, failing: body.checks.filter((c) => !c.ok).map((c) => c.name) };
    };
    const alive = () =>
      children.every((c) => c.child.pid !== undefined && isAlive(c.child.pid) && c.child.exitCode === null);
    /** Waits until every service answers `status`; for 503 also that the `kafka` check is among the failing ones. */
    const waitFor = async (status: 200 | 503, timeout: number) => {
      for (const name of SERVICES) {
        await expect
          .poll(
            async () => {
              const got = await ready(name);
              return { status: got.status, kafka: got.failing.includes("kafka") };
            },
            { timeout, interval: 500 },
          )
          .toEqual({ status, kafka: status === 503 })
          .catch((error: Error) => {
            throw new Error(`${name}: ${error.message}\n${logs[name]?.join("").slice(-2000)}`);
          });
      }
    };

    // 1. No broker at all: both listen and say why they are not ready.
    await waitFor(503, 120_000);
    expect(alive()).toBe(true);

    // 2. The broker comes: ready by themselves.
    await broker.start();
    await waitFor(200, 180_000);
    expect(alive()).toBe(true);

    // 3. The broker stops under them: not ready (kafka), alive; back: ready again.
    await broker.stop();
    for (const name of SERVICES) {
      await expect
        .poll(async () => (await ready(name)).failing, { timeout: 60_000, interval: 500 })
        .toContain("kafka");
    }
    expect(alive()).toBe(true);
    await broker.start();
    await waitFor(200, 180_000);
    expect(alive()).toBe(true);

    // kafkajs' TimeoutNegativeWarning is silenced (kafkajs issue #1751); nothing else printed a warning either.
    const all = Object.values(logs).flat().join("");
    expect(all).not.toMatch(/TimeoutNegativeWarning/);
  });
});
