import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropSchema, freshSchema, openTestStore, probePostgres } from "@gov/eventsourcing/testing/postgres";
import { creditCodeCheckCharacter } from "@gov/identifiers";
import { connectKafka, EmbeddedEventBus, runRelay, silentLogger } from "@gov/messaging";
import { runtimeConfig } from "@gov/runtime";
import { kafkaBrokers, probeKafka, testClock, useBackend } from "@gov/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { registerSubject } from "../application/register.ts";
import { creditModule } from "../module.ts";

const suite = "credit status over Kafka to another process";
const run =
  useBackend("postgres", suite, await probePostgres()) && useBackend("kafka", suite, await probeKafka());

const code = (first17: string) => `${first17}${creditCodeCheckCharacter(first17)}`;
const market = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };

describe.skipIf(!run)(suite, () => {
  const schema = freshSchema("credit_kafka");
  afterAll(() => dropSchema(schema));

  it("a consumer in its own process builds, from Kafka alone, the same statuses as the service's registry", async () => {
    const store = await openTestStore(schema);
    const dir = mkdtempSync(join(tmpdir(), "credit-kafka-"));
    const settings = z.object(runtimeConfig).parse({ DATA_DIR: dir });
    const bus = new EmbeddedEventBus(store, store.checkpoints);
    const clock = testClock();
    const module = await creditModule(
      { store, bus, settings, logger: silentLogger, clock: clock.now },
      { schedulerIntervalMs: 0 },
    );
    const { subjects } = module;
    const admin = { now: clock.now(), actor: { id: "credit-admin-1", role: "credit-admin" } } as const;
    const tag = randomUUID()
      .replaceAll("-", "")
      .slice(0, 4)
      .toUpperCase()
      .replace(/[IOSVZ]/g, "A");
    const ids: string[] = [];
    for (const [i, list] of (["black", "red", "black"] as const).entries()) {
      const { subjectId } = await registerSubject(
        module,
        { kind: "organisation", creditCode: code(`91330106${tag}MA2H${i}`), name: `示例公司${i}` },
        admin,
      );
      ids.push(subjectId);
      await subjects.handle(
        subjectId,
        {
          type: "ProposeListing",
          data: {
            listingId: `L${i}`,
            list,
            ...(list === "black" ? { severity: "serious" as const } : {}),
            issuingDepartment: market,
            legalBasis: "《中华人民共和国食品安全法》第一百三十五条",
            reason: "示例",
            source: { kind: "manual" },
          },
        },
        admin,
      );
    }
    clock.advanceDays(16);
    const later = { now: clock.now(), actor: admin.actor };
    for (const [i, subjectId] of ids.entries()) {
      await subjects.handle(subjectId, { type: "TakeEffect", data: { listingId: `L${i}` } }, later);
    }
    // The third subject's entry ends again (withdrawn after a correction).
    await subjects.handle(
      ids[2] as string,
      { type: "WithdrawListing", data: { listingId: "L2", reason: "更正" } },
      later,
    );

    const kafka = connectKafka({ brokers: kafkaBrokers(), clientId: "credit-test" });
    const controller = new AbortController();
    const relay = runRelay({
      store,
      checkpoints: store.checkpoints,
      publisher: kafka.publisher,
      owner: "credit-test",
      filter: { categories: ["subject"] },
      signal: controller.signal,
    });
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, "status-consumer.ts"), kafkaBrokers().join(","), `intake-view-${tag}`],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += String(d);
    });
    child.stderr.on("data", (d) => {
      err += String(d);
    });
    const theirs = () => {
      const last = out.trim().split("\n").filter(Boolean).at(-1);
      return last ? (JSON.parse(last) as Record<string, { status: string; causes: string[] }>) : {};
    };
    // The registry follows the log asynchronously: wait until it shows every subject's final status (the third
    // was "normal" before its entry took effect too, so waiting on it alone proves nothing).
    await vi.waitFor(
      async () =>
        expect(await Promise.all(ids.map(async (id) => (await module.registry.get(id))?.status))).toEqual([
          "strict-review",
          "green-channel",
          "normal",
        ]),
      { timeout: 20_000 },
    );
    const views = await Promise.all(ids.map((id) => module.registry.get(id)));
    const ours = Object.fromEntries(
      ids.map((id, i) => {
        const v = views[i];
        return [id, { status: v?.status, causes: (v?.causes ?? []).map((c) => c.listingId).sort() }];
      }),
    );
    expect(Object.values(ours).map((s) => s.status)).toEqual(["strict-review", "green-channel", "normal"]);
    await vi.waitFor(
      () => {
        const seen = theirs();
        expect(Object.fromEntries(ids.map((id) => [id, seen[id]])), err).toEqual(ours);
      },
      { timeout: 60_000, interval: 200 },
    );
    child.kill("SIGTERM");
    controller.abort();
    await relay;
    await kafka.close();
    await module.close?.();
    for (const r of module.readModels ?? []) await r.close();
    await bus.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
