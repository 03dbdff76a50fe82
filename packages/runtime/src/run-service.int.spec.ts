import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  dropSchema,
  freshSchema,
  probePostgres,
  testConnectionString,
} from "@gov/eventsourcing/testing/postgres";
import { connectKafka } from "@gov/messaging";
import { mintToken, shutdown } from "@gov/service-kit";
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

describe("a service process on SQLite and the embedded bus", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const sqliteConfig = (env: Record<string, string> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), "run-service-"));
    dirs.push(dir);
    return loadRuntimeConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      EVENT_STORE: "sqlite",
      EVENT_BUS: "embedded",
      DATA_DIR: dir,
      ...env,
    });
  };

  it("closes the module first, while the store still answers, and the store last", async () => {
    const closed: string[] = [];
    let read: () => Promise<unknown> = async () => undefined;
    const app = await buildServiceApp(
      {
        service: "test",
        categories: ["thing"],
        module: (deps) => {
          read = async () => deps.store.readAll({ limit: 1 });
          return {
            name: "test",
            prefix: "/test",
            routes: async () => {},
            close: async () => {
              await read();
              closed.push("module (store open)");
            },
          };
        },
      },
      sqliteConfig(),
    );
    expect((await app.inject({ method: "GET", url: "/health/ready" })).json()).toEqual({
      status: "ready",
      checks: [{ name: "event-store", ok: true }],
    });
    await shutdown(app);
    expect(closed).toEqual(["module (store open)"]);
    await expect(read()).rejects.toThrow(); // the store closed after the module
  });

  it("with DEMO_DATA=true is not ready until the demo data has loaded", async () => {
    const app = await buildServiceApp(
      {
        service: "test",
        categories: ["thing"],
        module: () => ({ name: "test", prefix: "/test", routes: async () => {}, seedDemo: async () => {} }),
      },
      sqliteConfig({ DEMO_DATA: "true" }),
    );
    const ready = async () => app.inject({ method: "GET", url: "/health/ready" });
    expect((await ready()).statusCode).toBe(503);
    expect((await ready()).json().checks).toContainEqual({
      name: "demo-data",
      ok: false,
      error: "the demo data has not been loaded yet",
    });
    await app.seedDemo();
    expect((await ready()).statusCode).toBe(200);
    await shutdown(app);
  });

  it("mounts PUT /<service>/_clock with CLOCK=adjustable (for admins), and refuses it in production", async () => {
    const app = await buildServiceApp(
      {
        service: "test",
        categories: ["thing"],
        module: (deps) => ({
          name: "test",
          prefix: "/test",
          routes: async (r) => {
            r.get("/now", { config: { auth: "public" } }, async () => ({ now: deps.clock?.() }));
          },
        }),
      },
      sqliteConfig({ CLOCK: "adjustable" }),
    );
    const admin = { authorization: `Bearer ${await mintToken({ sub: "a", role: "admin" })}` };
    const moved = await app.inject({
      method: "PUT",
      url: "/test/_clock",
      headers: admin,
      payload: { now: "2031-03-04T09:00:00+08:00" },
    });
    expect(moved.statusCode).toBe(200);
    expect((await app.inject({ method: "GET", url: "/test/now" })).json().now).toMatch(/^2031-03-04T01:00/);
    const clerk = { authorization: `Bearer ${await mintToken({ sub: "c", role: "window-clerk" })}` };
    expect(
      (
        await app.inject({
          method: "PUT",
          url: "/test/_clock",
          headers: clerk,
          payload: { now: "2031-01-01T00:00:00Z" },
        })
      ).statusCode,
    ).toBe(403);
    await shutdown(app);
    expect(() =>
      loadRuntimeConfig({ NODE_ENV: "production", AUTH_JWT_SECRET: "x".repeat(32), CLOCK: "adjustable" }),
    ).toThrow(/CLOCK/);
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
