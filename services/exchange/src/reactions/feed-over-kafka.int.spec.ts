import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { topics } from "@gov/contracts";
import { openSqliteEventStore } from "@gov/eventsourcing/sqlite";
import { postgresProjectionTestBed, probePostgres } from "@gov/eventsourcing/testing/postgres";
import { type BusEvent, connectKafka, runRelay, silentLogger } from "@gov/messaging";
import { runtimeConfig } from "@gov/runtime";
import { kafkaBrokers, probeKafka, testClock, useBackend } from "@gov/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { exchangeModule } from "../module.ts";
import {
  applicationIdOf,
  approvalEvents,
  expectedReports,
  intakeEvents,
  pathOf,
  permitEvents,
} from "./case-fixtures.ts";

const suite = "exchange feed over Kafka across restarts (distributed mode)";
const run =
  useBackend("postgres", suite, await probePostgres()) && useBackend("kafka", suite, await probeKafka());

const N = 24;

describe.skipIf(!run)(suite, () => {
  const dir = mkdtempSync(join(tmpdir(), "exchange-kafka-"));
  let disposeBed: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await disposeBed?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads intake's and approval's topics, reports each step once across a restart (offsets after the rows), and publishes the rows to gov.exchange.casestep.v1", async () => {
    const tag = randomUUID().replaceAll("-", "").slice(0, 6).toUpperCase();
    const group = `exchange-case-steps-${tag}`;
    const mine = (applicationId: string) => applicationId.startsWith(`A${tag}`);
    const controller = new AbortController();

    // Intake's (and approval's) side: a store, and its relay publishing to gov.intake.application.v1 and
    // gov.approval.case.v1.
    const intakeStore = openSqliteEventStore({ path: join(dir, "intake.db"), pollMs: 20 });
    const intakeKafka = connectKafka({ brokers: kafkaBrokers(), clientId: `intake-${tag}` });
    const intakeRelay = runRelay({
      store: intakeStore,
      checkpoints: intakeStore.checkpoints,
      publisher: intakeKafka.publisher,
      owner: `intake-${tag}`,
      signal: controller.signal,
    });
    const cases = Array.from({ length: N }, (_, i) => intakeEvents(tag, i));
    for (const c of cases) await intakeStore.append(c.streamId, c.events.slice(0, 1), "no-stream");

    // The exchange's side: its own PostgreSQL store and projection schema, the bus on Kafka, and its relay.
    const { store, db: projectionDb, dispose } = await postgresProjectionTestBed("exchange_kafka");
    disposeBed = dispose;
    const exchangeKafka = connectKafka({ brokers: kafkaBrokers(), clientId: `exchange-${tag}` });
    const exchangeRelay = runRelay({
      store,
      checkpoints: store.checkpoints,
      publisher: exchangeKafka.publisher,
      owner: `exchange-${tag}`,
      filter: { categories: ["casestep"] },
      signal: controller.signal,
    });
    const settings = z.object(runtimeConfig).parse({ DATA_DIR: dir });
    const clock = testClock("2026-11-20T10:00:00+08:00");
    const startExchange = async () => {
      const kafka = connectKafka({ brokers: kafkaBrokers(), clientId: `exchange-feed-${tag}` });
      const module = await exchangeModule(
        { store, bus: kafka.bus, settings, logger: silentLogger, clock: clock.now },
        { projectionDb, groupId: group },
      );
      return {
        module,
        async stop() {
          await module.close?.();
          for (const m of module.readModels ?? []) await m.close();
          await kafka.close();
        },
      };
    };
    const reports = async (m: Awaited<ReturnType<typeof startExchange>>["module"]) =>
      (await m.steps.page({ from: "2026-01-01", to: "2026-12-31", limit: 100_000 })).items.filter((r) =>
        mine(r.applicationId),
      );

    // A subscriber of the feed's own topic, as a provincial exchange would be.
    const subscriberKafka = connectKafka({ brokers: kafkaBrokers(), clientId: `province-${tag}` });
    const received: BusEvent[] = [];
    const subscriber = await subscriberKafka.bus.subscribe({
      groupId: `province-${tag}`,
      topics: [topics.exchange.caseStep],
      handle: (event) => {
        if (mine((event.data as { applicationId: string }).applicationId)) received.push(event);
      },
    });

    let exchange = await startExchange();
    const afterSubmissions = cases.reduce((n, _, i) => n + (i % 2 === 1 ? 2 : 1), 0);
    await vi.waitFor(async () => expect(await reports(exchange.module)).toHaveLength(afterSubmissions), {
      timeout: 90_000,
      interval: 100,
    });
    await exchange.stop();

    // The rest of every case is published while the exchange is down; the restarted consumer resumes from its
    // committed offsets.
    for (const c of cases)
      if (c.events.length > 1) await intakeStore.append(c.streamId, c.events.slice(1), 0);
    // Approval's steps (on gov.approval.case.v1) and its certificates delivered (on gov.approval.permit.v1); this
    // store's relay stands in for approval's.
    for (let i = 0; i < N; i++) {
      const c = approvalEvents(tag, i);
      if (c) await intakeStore.append(c.streamId, c.events, "no-stream");
      const permit = permitEvents(tag, i);
      if (permit) await intakeStore.append(permit.streamId, permit.events, "no-stream");
    }
    exchange = await startExchange();
    const total = cases.reduce((n, _, i) => n + expectedReports(i), 0);
    await vi.waitFor(async () => expect(await reports(exchange.module)).toHaveLength(total), {
      timeout: 90_000,
      interval: 100,
    });
    const rows = await reports(exchange.module);
    const keys = rows.map((r) => `${r.rowId}@${r.version}`);
    expect(new Set(keys).size, "never doubled").toBe(total);
    for (let i = 0; i < N; i++) {
      const id = applicationIdOf(tag, i);
      expect(
        rows.filter((r) => r.applicationId === id),
        id,
      ).toHaveLength(expectedReports(i));
      // 领证: exactly one row for each approved case whose certificate was delivered, after its 办结.
      const mine = rows.filter((r) => r.applicationId === id).map((r) => r.step);
      expect(
        mine.filter((step) => step === "delivery"),
        id,
      ).toHaveLength(pathOf(i) === "accepted" ? 1 : 0);
      if (pathOf(i) === "accepted")
        expect(mine.indexOf("delivery")).toBeGreaterThan(mine.indexOf("conclusion"));
    }

    // Published: the subscriber sees every report, each case's in order (versions of a row ascending), keyed by
    // the application (the case id).
    await vi.waitFor(() => expect(new Set(received.map((e) => e.id)).size).toBe(total), {
      timeout: 90_000,
      interval: 100,
    });
    const seen = new Map<string, number>();
    const ids = new Set<string>();
    for (const e of received) {
      if (ids.has(e.id)) continue; // at least once: a repeat is the same event
      ids.add(e.id);
      const d = e.data as { rowId: string; version: number; applicationId: string };
      expect(e.type).toBe("gov.exchange.casestep.reported.v2"); // new rows are written as v2 only
      expect(e.caseid).toBe(d.applicationId);
      expect(d.version, d.rowId).toBeGreaterThan(seen.get(d.rowId) ?? 0);
      seen.set(d.rowId, d.version);
    }

    await subscriber.stop();
    await subscriberKafka.close();
    await exchange.stop();
    controller.abort();
    await Promise.all([intakeRelay, exchangeRelay]);
    await intakeKafka.close();
    await exchangeKafka.close();
    await intakeStore.close();
  });
});
