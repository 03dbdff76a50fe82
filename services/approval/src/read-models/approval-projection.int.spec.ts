import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedCalendar } from "@gov/calendar";
import { type EventStore, type RecordedEvent, rebuildMemoryModel } from "@gov/eventsourcing";
import {
  type Projection,
  type ProjectionDatabase,
  type ProjectionRunOptions,
  startProjection,
} from "@gov/eventsourcing/projections";
import { openPostgresProjectionDatabase } from "@gov/eventsourcing/projections/postgres";
import { openSqliteProjectionDatabase } from "@gov/eventsourcing/projections/sqlite";
import { openSqliteEventStore } from "@gov/eventsourcing/sqlite";
import {
  dropSchema,
  freshSchema,
  openTestStore,
  probePostgres,
  testConnectionString,
} from "@gov/eventsourcing/testing/postgres";
import { useBackend } from "@gov/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ApprovalModel } from "./approval-model.ts";
import { approvalProjection } from "./approval-projection.ts";
import { SqlApproval } from "./approval-sql.ts";
import { caseEvents, departments } from "./generated-cases.ts";

const calendar = seedCalendar();
const TODAY = "2026-03-25";

/** Appends cases [from, to) of the generated log, each stream in two appends so that a case spans pages. */
async function appendCases(store: EventStore, from: number, to: number): Promise<number> {
  let n = 0;
  for (let i = from; i < to; i += 1)
    for (const { streamId, events } of caseEvents(i)) {
      const half = Math.ceil(events.length / 2);
      await store.append(streamId, events.slice(0, half), "no-stream");
      if (events.length > half) await store.append(streamId, events.slice(half), half - 1);
      n += events.length;
    }
  return n;
}

const fromLog = (store: EventStore) => rebuildMemoryModel(store, ["case", "permit"], new ApprovalModel());

/** The SQL model answers every route's query as the fold of the log does, and holds the same rows. */
async function expectEqual(sql: SqlApproval, log: ApprovalModel) {
  const live = await sql.snapshot();
  expect(live).toEqual(log.snapshot());
  for (const d of departments)
    expect(await sql.inbox(d.creditCode, calendar, TODAY)).toEqual(log.inbox(d.creditCode, calendar, TODAY));
  for (const [id] of live.cases.slice(0, 40)) {
    expect(await sql.view(id, calendar, TODAY)).toEqual(log.view(id, calendar, TODAY));
    const bundle = log.caseFile(id)?.opened.bundleApplicationId;
    if (bundle) expect(await sql.bundle(bundle)).toEqual(log.bundle(bundle));
  }
  for (const [no] of live.certificates) expect(await sql.certificate(no)).toEqual(log.certificate(no));
  for (const [subject] of live.holders) expect(await sql.byHolder(subject)).toEqual(log.byHolder(subject));
  expect(await sql.certificate("PMT-NONE-01")).toBeUndefined();
  expect(await sql.caseFile("NONE")).toBeUndefined();
}

/** The projection with a tally of the events its page handler is given. */
function counted(): { projection: Projection; applied: RecordedEvent[] } {
  const applied: RecordedEvent[] = [];
  const applyPage = approvalProjection.applyPage as NonNullable<Projection["applyPage"]>;
  return {
    applied,
    projection: {
      ...approvalProjection,
      applyPage: async (events, ctx) => {
        await applyPage(events, ctx);
        applied.push(...events);
      },
    },
  };
}

function describeApprovalProjection(
  backend: string,
  open: () => Promise<{
    store: EventStore;
    db: () => Promise<ProjectionDatabase>;
    dispose(): Promise<void>;
  }>,
) {
  describe(`approval's SQL read model, ${backend}`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanup.splice(0).reverse()) await c();
    });
    const start = async (
      store: EventStore,
      db: ProjectionDatabase,
      projection: Projection = approvalProjection,
      options: ProjectionRunOptions = {},
    ) => {
      const p = await startProjection(store, db, projection, { batchSize: 37, idleWaitMs: 20, ...options });
      cleanup.push(() => p.close());
      await expect.poll(() => p.caughtUp, { timeout: 60_000 }).toBe(true);
      return p;
    };

    it("equals a rebuild from the log, a page at a time and event by event (every case, permit, certificate, holder and view)", async () => {
      const { store, db, dispose } = await open();
      cleanup.push(dispose);
      await appendCases(store, 0, 120);
      const database = await db();
      cleanup.push(() => database.close());
      const paged = await start(store, database);
      const { applyPage: _, ...rest } = approvalProjection;
      const single = await start(store, database, { ...rest, name: "approval_one_by_one" });
      const log = await fromLog(store);
      const snapshot = log.snapshot();
      // The mix reaches every kind of row the routes read.
      expect(snapshot.cases.length).toBe(120);
      expect(new Set(snapshot.cases.map(([, c]) => c.status))).toEqual(
        new Set(["open", "decided", "closed"]),
      );
      expect(new Set(snapshot.permits.map(([, p]) => p.status))).toEqual(
        new Set(["valid", "revoked", "cancelled"]),
      );
      expect(snapshot.certificates.length).toBeGreaterThan(snapshot.permits.length);
      expect(log.inbox(departments[0]?.creditCode ?? "", calendar, TODAY).length).toBeGreaterThan(3);
      await expectEqual(new SqlApproval(paged), log);
      await expectEqual(new SqlApproval(single), log);
    });

    it("after a restart it is ready from its checkpoint without replaying the log, and applies only what came since, once", async () => {
      const { store, db, dispose } = await open();
      cleanup.push(dispose);
      const first = await appendCases(store, 0, 60);
      let database = await db();
      const a = counted();
      const before = await startProjection(store, database, a.projection, { batchSize: 37, idleWaitMs: 20 });
      await expect.poll(() => before.caughtUp, { timeout: 60_000 }).toBe(true);
      expect(a.applied.length).toBe(first);
      const checkpoint = before.position;
      await before.close();
      await database.close();
      // Stopped: more cases arrive (and further events of cases it has seen).
      const more = await appendCases(store, 60, 100);
      database = await db();
      cleanup.push(() => database.close());
      const b = counted();
      const after = await start(store, database, b.projection);
      expect(b.applied.length).toBe(more);
      expect(b.applied.map((e) => e.id)).not.toContain(a.applied[0]?.id);
      expect(after.position).not.toBe(checkpoint);
      await expectEqual(new SqlApproval(after), await fromLog(store));
      const stopped = after.position;
      await after.close();
      // Nothing new: the next start reads no event at all and is ready at once.
      const c = counted();
      const again = await start(store, database, c.projection);
      expect(c.applied).toEqual([]);
      await expect(again.readiness.check()).resolves.toBeUndefined();
      expect(again.position).toBe(stopped);
    });

    it("a crash between a page's rows and its checkpoint neither doubles nor loses (the page is applied again, whole)", async () => {
      const { store, db, dispose } = await open();
      cleanup.push(dispose);
      await appendCases(store, 0, 40);
      const database = await db();
      cleanup.push(() => database.close());
      let crashes = 0;
      const p = await start(store, database, approvalProjection, {
        beforeCheckpoint: () => {
          if (crashes < 2) {
            crashes += 1;
            throw new Error("crash before the checkpoint");
          }
        },
      });
      expect(crashes).toBe(2);
      await expectEqual(new SqlApproval(p), await fromLog(store));
    });
  });
}

useBackend("sqlite", "approval projection (sqlite)", true);
describeApprovalProjection("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "approval-proj-"));
  const store = openSqliteEventStore({ path: join(dir, "platform.db") });
  return {
    store,
    db: async () => openSqliteProjectionDatabase({ path: join(dir, "approval-projections.db") }),
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

if (useBackend("postgres", "approval projection (postgres)", await probePostgres()))
  describeApprovalProjection("postgres", async () => {
    const es = freshSchema("approval_proj_es");
    const rm = freshSchema("approval_proj_rm");
    const store = await openTestStore(es);
    const cs = testConnectionString();
    return {
      store,
      db: () => openPostgresProjectionDatabase({ ...(cs ? { connectionString: cs } : {}), schema: rm }),
      async dispose() {
        await store.close();
        await dropSchema(es);
        await dropSchema(rm);
      },
    };
  });
