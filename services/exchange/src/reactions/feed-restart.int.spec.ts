import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProjectionDatabase } from "@gov/eventsourcing/projections";
import { openPostgresProjectionDatabase } from "@gov/eventsourcing/projections/postgres";
import { openSqliteEventStore } from "@gov/eventsourcing/sqlite";
import {
  dropSchema,
  freshSchema,
  openTestStore,
  probePostgres,
  testConnectionString,
} from "@gov/eventsourcing/testing/postgres";
import { EmbeddedEventBus, silentLogger } from "@gov/messaging";
import { runtimeConfig } from "@gov/runtime";
import { testClock, useBackend } from "@gov/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { caseReports } from "../application/reports.ts";
import { exchangeModule } from "../module.ts";
import type { CaseStepReport } from "../read-models/case-steps-sql.ts";
import { reportCaseEvent } from "./case-events.ts";
import {
  applicationIdOf,
  approvalEvents,
  expectedReports,
  intakeEvents,
  pathOf,
  permitEvents,
  permitIdOf,
} from "./case-fixtures.ts";

const N = 40;
const backends = {
  sqlite: useBackend("sqlite", "exchange feed across restarts (sqlite)", true),
  postgres: useBackend("postgres", "exchange feed across restarts (postgres)", await probePostgres()),
};
const schema = freshSchema("exchange_feed");
const dir = mkdtempSync(join(tmpdir(), "exchange-feed-"));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (backends.postgres) {
    await dropSchema(schema);
    await dropSchema(`${schema}_p`);
  }
});

type Backend = keyof typeof backends;

/** One "process": a store handle, the bus over it and the exchange module (its projection database opened anew). */
async function start(backend: Backend) {
  const clock = testClock("2026-11-20T10:00:00+08:00");
  let store: ReturnType<typeof openSqliteEventStore> | Awaited<ReturnType<typeof openTestStore>>;
  let projectionDb: ProjectionDatabase | undefined;
  if (backend === "sqlite") {
    store = openSqliteEventStore({ path: join(dir, "platform.db"), pollMs: 20 });
  } else {
    store = await openTestStore(schema);
    const connectionString = testConnectionString();
    projectionDb = await openPostgresProjectionDatabase({
      ...(connectionString ? { connectionString } : {}),
      schema: `${schema}_p`,
    });
  }
  const bus = new EmbeddedEventBus(store, store.checkpoints);
  const settings = z.object(runtimeConfig).parse({ DATA_DIR: dir });
  const module = await exchangeModule(
    { store, bus, settings, logger: silentLogger, clock: clock.now },
    projectionDb ? { projectionDb } : {},
  );
  const all = async (): Promise<CaseStepReport[]> =>
    (await module.steps.page({ from: "2026-01-01", to: "2026-12-31", limit: 100_000 })).items;
  return {
    store,
    module,
    clock,
    all,
    async stop() {
      await module.close?.();
      for (const m of module.readModels ?? []) await m.close();
      await bus.close();
      await projectionDb?.close();
      await store.close();
    },
  };
}

const submissionsOnly = (tag: string) =>
  Array.from({ length: N }, (_, i) => {
    const { streamId, events } = intakeEvents(tag, i);
    return { streamId, events: events.slice(0, 1) };
  });
const rest = (tag: string) =>
  Array.from({ length: N }, (_, i) => {
    const { streamId, events } = intakeEvents(tag, i);
    return { streamId, events: events.slice(1) };
  });
const firstRows = (i: number): number => (i % 2 === 1 ? 2 : 1);

for (const backend of Object.keys(backends) as Backend[]) {
  describe.skipIf(!backends[backend])(`exchange feed across restarts (${backend})`, () => {
    it("every step is reported once, re-reported with version + 1 under the 办件编号 after a restart, and a redelivery adds nothing", async () => {
      const tag = backend === "sqlite" ? "S" : "P";
      // First process: the submissions only (申办, and 网上预受理 for the online half).
      let p = await start(backend);
      for (const s of submissionsOnly(tag)) await p.store.append(s.streamId, s.events, "no-stream");
      const afterSubmissions = Array.from({ length: N }, (_, i) => firstRows(i)).reduce((a, b) => a + b);
      await vi.waitFor(async () => expect(await p.all()).toHaveLength(afterSubmissions), {
        timeout: 60_000,
        interval: 50,
      });
      await p.stop();

      // Second process: the rest of each case's events arrive while nothing runs; it resumes where it stopped.
      p = await start(backend);
      for (const s of rest(tag)) {
        if (s.events.length > 0) await p.store.append(s.streamId, s.events, 0);
      }
      // Approval's steps of the accepted cases (承办, 审核, 批准, 办结; 特别程序), and the certificates delivered (领证).
      for (let i = 0; i < N; i++) {
        const c = approvalEvents(tag, i);
        if (c) await p.store.append(c.streamId, c.events, "no-stream");
        const permit = permitEvents(tag, i);
        if (permit) await p.store.append(permit.streamId, permit.events, "no-stream");
      }
      const total = Array.from({ length: N }, (_, i) => expectedReports(i)).reduce((a, b) => a + b);
      await vi.waitFor(async () => expect(await p.all()).toHaveLength(total), {
        timeout: 60_000,
        interval: 50,
      });
      const reports = await p.all();

      // Never doubled: one report per (row, version); versions of a row are 1, 2, … without gaps.
      const keys = reports.map((r) => `${r.rowId}@${r.version}`);
      expect(new Set(keys).size).toBe(reports.length);
      const versions = new Map<string, number[]>();
      for (const r of reports) versions.set(r.rowId, [...(versions.get(r.rowId) ?? []), r.version]);
      for (const [rowId, vs] of versions) expect(vs, rowId).toEqual(vs.map((_, k) => k + 1));

      // The corrected event: an accepted case's 申办 row is re-reported as version 2 under its 办件编号.
      for (let i = 0; i < N; i++) {
        const id = applicationIdOf(tag, i);
        const mine = reports.filter((r) => r.applicationId === id);
        expect(mine, id).toHaveLength(expectedReports(i));
        const application = mine.filter((r) => r.step === "application");
        if (pathOf(i) === "accepted" || pathOf(i) === "corrected-then-accepted") {
          expect(application.map((r) => [r.version, r.reason, r.caseKey === r.caseNumber])).toEqual([
            [1, "reported", false],
            [2, "case-number-assigned", true],
          ]);
          expect(application[0]?.caseKey).toBe(id);
        } else {
          expect(application.map((r) => [r.version, r.caseKey])).toEqual([[1, id]]);
        }
        // 领证: exactly one row for an approved case whose certificate was delivered, under the 办件编号.
        const delivery = mine.filter((r) => r.step === "delivery");
        if (pathOf(i) === "accepted") {
          expect(delivery.map((r) => [r.stepName, r.version, r.caseKey === r.caseNumber, r.details])).toEqual(
            [
              [
                "领证",
                1,
                true,
                {
                  step: "delivery",
                  method: "ems",
                  certificateNo: `${permitIdOf(tag, i)}-01`,
                  deliveredOn: `2026-11-${String(2 + (i % 20)).padStart(2, "0")}`,
                },
              ],
            ],
          );
        } else expect(delivery).toEqual([]);
      }

      // What is exported is what the relay publishes: the casestep streams hold exactly these reports.
      const published = (await p.store.readAll({ limit: 1_000_000 })).events.filter((e) =>
        e.subject.startsWith("casestep-"),
      );
      const publishedKeys = published.map((e) => {
        const d = e.data as { rowId: string; version: number };
        return `${d.rowId}@${d.version}`;
      });
      expect(publishedKeys.sort()).toEqual([...keys].sort());

      // A redelivery of every intake and approval event (a crash before the offset commit) reports nothing again.
      const reports2 = caseReports(p.store);
      const intake = (await p.store.readAll({ limit: 1_000_000 })).events.filter((e) =>
        [`application-A${tag}`, `case-A${tag}`, `permit-PMT-A${tag}`].some((prefix) =>
          e.subject.startsWith(prefix),
        ),
      );
      expect(intake.filter((e) => e.type === "gov.approval.permit.certificate-delivered.v1")).toHaveLength(
        N / 4,
      );
      for (const e of intake) await reportCaseEvent(reports2, e, p.clock.now(), silentLogger);
      const after = (await p.store.readAll({ limit: 1_000_000 })).events.filter((e) =>
        e.subject.startsWith("casestep-"),
      );
      expect(after).toHaveLength(total);
      await p.stop();
    });
  });
}
