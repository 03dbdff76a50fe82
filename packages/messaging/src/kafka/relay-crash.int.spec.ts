import { randomUUID } from "node:crypto";
import { dropSchema, freshSchema, openTestStore, probePostgres } from "@gov/eventsourcing/testing/postgres";
import { kafkaBrokers, probeKafka, useBackend } from "@gov/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import { spawnChild, stopChildren } from "../testing/children/spawn.ts";
import { appendMany, DeliveryLedger } from "../testing/load.ts";
import { connectKafka } from "./connect.ts";

const kafkaUp = await probeKafka();
const pgUp = await probePostgres();
const run =
  useBackend("kafka", "relay crash and lease", kafkaUp) &&
  useBackend("postgres", "relay crash and lease", pgUp);

describe.skipIf(!run)("relay: a real process killed mid-run, a standby with the lease", () => {
  const schema = freshSchema("relay_crash");
  const kafka = connectKafka({ brokers: kafkaBrokers(), clientId: "relay-crash-test" });
  afterAll(async () => {
    await stopChildren(); // whatever a failed test left running
    await kafka.close();
    await dropSchema(schema);
  });

  it("only the lease holder publishes; SIGKILLed mid-run, the standby takes over and every event arrives", async () => {
    const store = await openTestStore(schema);
    const category = `rc${randomUUID().slice(0, 8)}`;
    const ids = await appendMany(store, category, { streams: 40, perStream: 100, batch: 50, bytes: 1000 });
    const ledger = new DeliveryLedger();
    const sub = await kafka.bus.subscribe({
      groupId: `relay-crash-${category}`,
      topics: [`gov.test.${category}.v1`],
      handle: (e) => ledger.add(e.id),
    });
    const brokers = kafkaBrokers().join(",");
    const a = spawnChild("relay-child.ts", [schema, brokers, "50"]);
    const b = spawnChild("relay-child.ts", [schema, brokers, "50"]);
    await vi.waitFor(() => expect(a.published + b.published).toBeGreaterThan(0), {
      timeout: 60_000,
      interval: 5,
    });
    const [active, standby] = a.published > 0 ? [a, b] : [b, a];
    const killed = await active.kill("SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    const atKill = active.published;
    expect(atKill).toBeLessThan(ids.length); // really mid-run
    expect(standby.published).toBe(0); // one publisher at a time

    await vi.waitFor(() => expect(ledger.unique).toBe(ids.length), { timeout: 90_000, interval: 100 });
    expect(ledger.missing(ids)).toEqual([]);
    expect(standby.published).toBeGreaterThan(0);
    // The page in flight at the kill may arrive twice; nothing else does.
    expect(ledger.duplicates).toBeLessThanOrEqual(50);
    process.stdout.write(
      `relay crash: ${ids.length} events, killed after ${atKill} acknowledged, standby published ${standby.published}, duplicates ${ledger.duplicates}\n`,
    );
    await standby.kill("SIGTERM");
    await sub.stop();
    await store.close();
  });
});
