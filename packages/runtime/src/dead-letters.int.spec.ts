import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  dropSchema,
  freshSchema,
  probePostgres,
  testConnectionString,
} from "@gov/eventsourcing/testing/postgres";
import { mintToken, shutdown } from "@gov/service-kit";
import { kafkaBrokers, probeKafka, useBackend } from "@gov/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import { buildServiceApp, loadRuntimeConfig } from "./run-service.ts";

/**
 * `/_dead-letters` on a real process: an event that fails every try waits in the group's dead letters, is listed
 * for an administrator (without its data), and a replay after the fix hands it to the same handler once.
 */
const kafkaSuite = "dead letters listed and replayed on PostgreSQL and Kafka";
const onKafka =
  useBackend("postgres", kafkaSuite, await probePostgres()) &&
  useBackend("kafka", kafkaSuite, await probeKafka());
useBackend("sqlite", "dead letters listed and replayed on SQLite and the embedded bus", true);

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const root = fileURLToPath(new URL("../../..", import.meta.url));
const run = promisify(execFile);
/** `./scripts/dead-letters …` against the app listening at `url`, as an operator runs it. */
const cli = (url: string, ...args: string[]) =>
  run(join(root, "scripts/dead-letters"), args, {
    env: { ...process.env, GOV_URL: url, NODE_ENV: "test", TOKEN: "" },
    timeout: 120_000,
  });

async function scenario(env: Record<string, string>, category: string, viaCli = false) {
  const handled: string[] = [];
  let broken = true;
  const groupId = `dl-${category}`;
  const app = await buildServiceApp(
    {
      service: "test",
      categories: [category],
      module: async ({ store, bus }) => {
        await bus.subscribe({
          groupId,
          topics: [`gov.test.${category}.v1`],
          maxAttempts: 2,
          handle: (e) => {
            if (broken) throw new Error("the matter copy is not there yet");
            handled.push(e.id);
          },
        });
        return {
          name: "test",
          prefix: "/test",
          routes: async (r) => {
            r.post("/", { config: { auth: "public" } }, async () => {
              const id = randomUUID();
              await store.append(
                `${category}-1`,
                [
                  {
                    id,
                    type: `gov.test.${category}.made.v1`,
                    source: "gov.test",
                    time: new Date().toISOString(),
                    caseid: "A-1",
                    data: { name: "张三" },
                    actor: { id: "t", role: "system" },
                  },
                ],
                "any",
              );
              return { id };
            });
          },
        };
      },
    },
    loadRuntimeConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", ...env }),
  );
  try {
    const admin = { authorization: `Bearer ${await mintToken({ sub: "sre-1", role: "admin" })}` };
    const clerk = { authorization: `Bearer ${await mintToken({ sub: "c-1", role: "window-clerk" })}` };
    await vi.waitFor(
      async () => expect((await app.inject({ method: "GET", url: "/health/ready" })).statusCode).toBe(200),
      { timeout: 60_000, interval: 200 },
    );
    const { id } = (await app.inject({ method: "POST", url: "/test/" })).json();
    const list = async () =>
      (await app.inject({ method: "GET", url: "/_dead-letters", headers: admin })).json();
    await vi.waitFor(async () => expect((await list()).groups[0]?.waiting).toBe(1), {
      timeout: 60_000,
      interval: 250,
    });
    const listed = await list();
    expect(listed.groups).toEqual([
      {
        groupId,
        waiting: 1,
        letters: [
          expect.objectContaining({
            eventId: id,
            type: `gov.test.${category}.made.v1`,
            caseId: "A-1",
            attempts: 2,
            error: expect.stringContaining("the matter copy is not there yet"),
          }),
        ],
      },
    ]);
    // The letter names the event; its data (personal data, here a name) is not shown.
    expect(JSON.stringify(listed)).not.toContain("张三");
    const metrics = async () => (await app.inject({ method: "GET", url: "/metrics" })).body;
    expect(await metrics()).toMatch(/^messaging_dead_letters 1$/m);

    // Administrators only; an unknown group is a 404 that names the process's groups.
    expect((await app.inject({ method: "GET", url: "/_dead-letters", headers: clerk })).statusCode).toBe(403);
    expect((await app.inject({ method: "GET", url: "/_dead-letters" })).statusCode).toBe(401);
    const unknown = await app.inject({ method: "POST", url: "/_dead-letters/nope/replay", headers: admin });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail).toContain(groupId);

    if (viaCli) {
      await app.listen({ port: 0, host: "127.0.0.1" });
      const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const { stdout } = await cli(url, "list");
      expect(JSON.parse(stdout).groups[0]).toMatchObject({ groupId, waiting: 1 });
      await expect(cli(url, "replay", "no-such-group")).rejects.toMatchObject({ code: 1 });
      await expect(cli(url, "replay", "bad name;rm")).rejects.toMatchObject({ code: 2 });
    }
    // Still broken: the replay stops at the letter, which stays.
    const failed = await app.inject({
      method: "POST",
      url: `/_dead-letters/${groupId}/replay`,
      headers: admin,
    });
    expect(failed.json()).toEqual({ groupId, replayed: 0, remaining: 1 });
    // Fixed: the same handler takes it once, and the letter is gone.
    broken = false;
    const replayed = await app.inject({
      method: "POST",
      url: `/_dead-letters/${groupId}/replay`,
      headers: admin,
    });
    expect(replayed.json()).toEqual({ groupId, replayed: 1, remaining: 0 });
    expect(handled).toEqual([id]);
    expect((await list()).groups[0]?.waiting).toBe(0);
    expect(await metrics()).toMatch(/^messaging_dead_letters 0$/m);
    const again = await app.inject({
      method: "POST",
      url: `/_dead-letters/${groupId}/replay`,
      headers: admin,
    });
    expect(again.json()).toEqual({ groupId, replayed: 0, remaining: 0 });
    expect(handled).toEqual([id]);
  } finally {
    await shutdown(app);
  }
}

describe("dead letters of a service process (docs/operations.md)", () => {
  it("on SQLite and the embedded bus: listed for administrators without their data (also through ./scripts/dead-letters), replayed once after the fix", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dead-letters-"));
    dirs.push(dir);
    await scenario(
      { EVENT_STORE: "sqlite", EVENT_BUS: "embedded", DATA_DIR: dir },
      `dl${randomUUID().slice(0, 8)}`,
      true,
    );
  });

  describe.skipIf(!onKafka)("on PostgreSQL and Kafka", () => {
    const schema = freshSchema("deadletters");
    afterAll(() => dropSchema(schema));
    it("listed for administrators without their data, replayed once after the fix", async () => {
      const dir = mkdtempSync(join(tmpdir(), "dead-letters-"));
      dirs.push(dir);
      await scenario(
        {
          EVENT_STORE: "postgres",
          EVENT_STORE_SCHEMA: schema,
          ...(testConnectionString() ? { DATABASE_URL: testConnectionString() } : {}),
          EVENT_BUS: "kafka",
          KAFKA_BROKERS: kafkaBrokers().join(","),
          RELAY_LEASE_TTL_MS: "1000",
          DATA_DIR: dir,
        },
        `dl${randomUUID().slice(0, 8)}`,
      );
    });
  });
});
