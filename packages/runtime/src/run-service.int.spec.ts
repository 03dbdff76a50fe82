import { randomUUID } from "node:crypto";
import {
  dropSchema,
  freshSchema,
  probePostgres,
  testConnectionString,
} from "@gov/eventsourcing/testing/postgres";
import { connectKafka } from "@gov/messaging";
import { shutdown } from "@gov/service-kit";
import { kafkaBrokers, probeKafka, useBackend } from "@gov/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { buildServiceApp, loadRuntimeConfig } from "./run-service.ts";

const suite = "a service process on PostgreSQL and Kafka";
const run =
  useBackend("postgres", suite, await probePostgres()) && useBackend("kafka", suite, await probeKafka());

describe("runtime configuration", () => {
  it("names every bad or missing variable at once", () => {
    expect(() => loadRuntimeConfig({ EVENT_STORE: "oracle", EVENT_BUS: "kafka", NODE_ENV: "test" })).toThrow(
      /EVENT_STORE/,
    );
    expect(() => loadRuntimeConfig({ EVENT_STORE: "esdb", EVENT_BUS: "kafka", NODE_ENV: "test" })).toThrow(
      /ESDB_CONNECTION_STRING: required when EVENT_STORE=esdb; KAFKA_BROKERS: required when EVENT_BUS=kafka/,
    );
  });
});

describe.skipIf(!run)(suite, () => {
  const schema = freshSchema("runtime");
  afterAll(() => dropSchema(schema));

  it("appends to its own categories only, relays them to Kafka, and reports store and broker in readiness", async () => {
    const category = `rt${randomUUID().slice(0, 8)}`;
    const config = loadRuntimeConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      EVENT_STORE: "postgres",
      EVENT_STORE_SCHEMA: schema,
      ...(testConnectionString() ? { DATABASE_URL: testConnectionString() } : {}),
      EVENT_BUS: "kafka",
      KAFKA_BROKERS: kafkaBrokers().join(","),
      RELAY_LEASE_TTL_MS: "1000",
    });
    const event = () => ({
      id: randomUUID(),
      type: "gov.test.thing.made.v1",
      source: "gov.test",
      time: new Date().toISOString(),
      data: {},
      actor: { id: "t", role: "system" as const },
    });
    const app = await buildServiceApp(
      {
        service: "test",
        categories: [category],
        module: ({ store }) => ({
          name: "test",
          prefix: "/test",
          routes: async (r) => {
            r.post(
              "/:stream",
              { config: { auth: "public" }, schema: { params: z.object({ stream: z.string() }) } },
              async (req) => {
                await store.append((req.params as { stream: string }).stream, [event()], "any");
                return { ok: true };
              },
            );
          },
        }),
      },
      config,
    );
    const ready = await app.inject({ method: "GET", url: "/health/ready" });
    expect(ready.json()).toMatchObject({
      status: "ready",
      checks: [
        { name: "event-store", ok: true },
        { name: "kafka", ok: true },
      ],
    });
    expect((await app.inject({ method: "POST", url: `/test/${category}-1` })).statusCode).toBe(200);
    expect((await app.inject({ method: "POST", url: "/test/application-1" })).statusCode).toBe(500);

    const kafka = connectKafka({ brokers: kafkaBrokers(), clientId: "runtime-test" });
    const got: string[] = [];
    const sub = await kafka.bus.subscribe({
      groupId: `rt-${category}`,
      topics: [`gov.test.${category}.v1`],
      handle: (e) => void got.push(e.subject),
    });
    await vi.waitFor(() => expect(got).toEqual([`${category}-1`]), { timeout: 30_000 });
    await sub.stop();
    await kafka.close();
    await shutdown(app);
  });
});
