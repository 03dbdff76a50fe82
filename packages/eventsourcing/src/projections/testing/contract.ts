import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NewEvent, RecordedEvent } from "../../envelope.ts";
import type { EventStore } from "../../event-store.ts";
import { insertRows } from "../batch.ts";
import type { Projection, ProjectionContext, ProjectionDatabase } from "../port.ts";
import { type ProjectionHandle, type ProjectionRunOptions, startProjection } from "../runner.ts";

/** What the projection contract needs from an adapter's set-up: a store and a way to open the projection database. */
export interface ProjectionHarness {
  store: EventStore;
  /** Opens a new handle on the same projection database (another "process" after a crash). */
  openDb(): Promise<ProjectionDatabase>;
  dispose(): Promise<void>;
}

const counted = (n: number): NewEvent => ({
  id: randomUUID(),
  type: "gov.test.counted.v1",
  source: "gov.test",
  time: "2026-03-02T09:00:00.000+08:00",
  data: { n },
  actor: { id: "tester", role: "system" },
});

/**
 * A deliberately non-idempotent projection: every event adds a row and bumps a total, so an event applied
 * twice shows as a double and a skipped one as a gap. `label` tells the versions apart.
 */
export function countingProjection(
  version = 1,
  label = `v${version}`,
  options: { paged?: boolean } = {},
): Projection {
  const apply = async (e: RecordedEvent, { tx, t }: Parameters<Projection["handlers"][string]>[1]) => {
    await tx.run(`INSERT INTO ${t("seen")} (event_id, n, label) VALUES (?, ?, ?)`, [
      e.id,
      (e.data as { n: number }).n,
      label,
    ]);
    await tx.run(`UPDATE ${t("totals")} SET n = n + 1 WHERE k = 'all'`);
  };
  return {
    name: "contract_counts",
    version,
    categories: ["counter"],
    migrations: [
      {
        sqlite: (t) =>
          `CREATE TABLE ${t("seen")} (event_id TEXT NOT NULL, n INTEGER NOT NULL, label TEXT NOT NULL);
           CREATE TABLE ${t("totals")} (k TEXT PRIMARY KEY, n INTEGER NOT NULL);
           INSERT INTO ${t("totals")} VALUES ('all', 0);`,
        postgres: (t) =>
          `CREATE TABLE ${t("seen")} (event_id TEXT NOT NULL, n INTEGER NOT NULL, label TEXT NOT NULL);
           CREATE TABLE ${t("totals")} (k TEXT PRIMARY KEY, n INTEGER NOT NULL);
           INSERT INTO ${t("totals")} VALUES ('all', 0);`,
      },
    ],
    handlers: { "gov.test.counted.v1": apply },
    ...(options.paged
      ? {
          // The same model, a page at a time: one multi-row insert and one update of the total.
          applyPage: async (events: readonly RecordedEvent[], { tx, t }: ProjectionContext) => {
            const rows = events.map((e) => [e.id, (e.data as { n: number }).n, label]);
            await insertRows(tx, t("seen"), ["event_id", "n", "label"], rows, "", { rowsPerStatement: 7 });
            await tx.run(`UPDATE ${t("totals")} SET n = n + ? WHERE k = 'all'`, [events.length]);
          },
        }
      : {}),
  };
}

/** The model as a query sees it: rows, distinct events, the running total and the labels, in one read. */
async function snapshot(p: ProjectionHandle) {
  return p.read(async ({ db, t }) => {
    const rows = await db.all<{ event_id: string; n: number | string; label: string }>(
      `SELECT event_id, n, label FROM ${t("seen")} ORDER BY n, event_id`,
    );
    const total = await db.get<{ n: number | string }>(`SELECT n FROM ${t("totals")} WHERE k = 'all'`);
    return {
      rows: rows.map((r) => ({ id: r.event_id, n: Number(r.n) })),
      distinct: new Set(rows.map((r) => r.event_id)).size,
      total: Number(total?.n),
      labels: [...new Set(rows.map((r) => r.label))],
    };
  });
}

/**
 * The projection contract (docs/projections.md), one suite for every projection database adapter: exactly-once
 * application across a crash between rows and checkpoint, rebuild equals live, a blue/green switch that no query
 * can catch half-way, and read-your-writes through `waitFor`.
 */
export function describeProjectionContract(
  adapter: string,
  makeHarness: () => Promise<ProjectionHarness>,
): void {
  describe(`projection contract: ${adapter}`, () => {
    let h: ProjectionHarness;
    const open: { db: ProjectionDatabase; p: ProjectionHandle }[] = [];
    const start = async (projection: Projection, options: ProjectionRunOptions = {}) => {
      const db = await h.openDb();
      const p = await startProjection(h.store, db, projection, {
        idleWaitMs: 50,
        registryPollMs: 50,
        ...options,
      });
      open.push({ db, p });
      return p;
    };
    const append = async (from: number, to: number, stream = `counter-${randomUUID().slice(0, 8)}`) => {
      let position = "";
      for (let i = from; i < to; i += 20) {
        const batch = [];
        for (let n = i; n < Math.min(i + 20, to); n++) batch.push(counted(n));
        const r = await h.store.append(stream, batch, "any");
        position = r.positions.at(-1) as string;
      }
      return position;
    };
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      for (const o of open.splice(0)) {
        await o.p.close();
        await o.db.close();
      }
      await h.dispose();
    });

    it.each([
      ["event by event", false],
      ["a page at a time (applyPage)", true],
    ])(
      "a crash between a page's rows and its checkpoint neither doubles nor loses an event (%s)",
      async (_, paged) => {
        await append(0, 120);
        let crashes = 0;
        const crashing = await start(countingProjection(1, "v1", { paged }), {
          batchSize: 25,
          beforeCheckpoint: (_build, events) => {
            // Every page after the second dies after writing its rows, before its checkpoint.
            if (((events[0]?.data as { n: number } | undefined)?.n ?? 0) >= 50) {
              crashes++;
              throw new Error("injected crash");
            }
          },
        });
        await expect.poll(() => crashes, { timeout: 10_000 }).toBeGreaterThan(1);
        await expect(crashing.readiness.check()).rejects.toThrow(/injected crash/);
        const halfway = await snapshot(crashing);
        expect(halfway.total).toBe(50);
        expect(halfway.rows.map((r) => r.n)).toEqual([...Array(50).keys()]);
        await crashing.close();
        // The next "process" resumes from the checkpoint the crashed one last committed.
        const resumed = await start(countingProjection(1, "v1", { paged }), { batchSize: 25 });
        await expect.poll(() => resumed.caughtUp, { timeout: 10_000 }).toBe(true);
        const after = await snapshot(resumed);
        expect(after.total).toBe(120);
        expect(after.distinct).toBe(120);
        expect(after.rows.map((r) => r.n)).toEqual([...Array(120).keys()]);
      },
    );

    it("a build that catches up over many events has planner statistics before it reports caught up", async () => {
      /** Whether the planner has statistics for the active build's `seen` table. */
      const analysed = (p: ProjectionHandle) =>
        p.read(async ({ db, t }) => {
          const row =
            db.dialect === "sqlite"
              ? await db.get<{ n: number }>("SELECT count(*) AS n FROM sqlite_stat1 WHERE tbl = ?", [
                  t("seen"),
                ])
              : await db.get<{ n: string }>(
                  "SELECT count(*) AS n FROM pg_stats WHERE schemaname = current_schema() AND tablename = ?",
                  [t("seen")],
                );
          return Number(row?.n) > 0;
        });
      // SQLite has no sqlite_stat1 table before its first ANALYZE.
      const noStats = async (p: ProjectionHandle) => analysed(p).catch(() => false);
      await append(0, 30);
      // Below the threshold: caught up without statistics (autovacuum's business, not the runner's).
      const few = await start(countingProjection(1), { analyzeAfterEvents: 1000 });
      await expect.poll(() => few.caughtUp, { timeout: 10_000 }).toBe(true);
      expect(await noStats(few)).toBe(false);
      await few.close();
      await append(30, 120);
      // 90 more since its checkpoint, above a threshold of 50: analysed first, then caught up.
      const many = await start(countingProjection(1), { analyzeAfterEvents: 50 });
      await expect.poll(() => many.caughtUp, { timeout: 10_000 }).toBe(true);
      expect(await analysed(many)).toBe(true);
      expect((await snapshot(many)).total).toBe(120);
    });

    it("a rebuild from the start of the log equals the live model, and takes over from it", async () => {
      const live = await start(countingProjection(), { batchSize: 30 });
      await append(0, 90);
      await expect.poll(() => live.caughtUp && live.position !== undefined).toBe(true);
      const last = await append(90, 150);
      expect(await live.waitFor(last, 10_000)).toBe(true);
      const before = live.activeBuild;
      const green = await live.rebuild();
      expect(green).not.toBe(before);
      await append(150, 170);
      await expect.poll(() => live.activeBuild, { timeout: 15_000 }).toBe(green);
      const last2 = await append(170, 180);
      expect(await live.waitFor(last2, 10_000)).toBe(true);
      const rebuilt = await snapshot(live);
      expect(rebuilt.total).toBe(180);
      expect(rebuilt.rows.map((r) => r.n)).toEqual([...Array(180).keys()]);
      const builds = await live.builds();
      expect(builds.find((b) => b.build === before)?.state).toBe("retired");
      expect(builds.find((b) => b.build === green)?.state).toBe("active");
    });

    it("a new version builds beside the old one; queries running through the switch never fail nor see half a model", async () => {
      const v1 = await start(countingProjection(1));
      await append(0, 400);
      await expect.poll(() => v1.caughtUp).toBe(true);
      await expect.poll(async () => (await snapshot(v1)).total, { timeout: 20_000 }).toBe(400);
      await v1.close();
      // The new code (version 2) starts: version 1 keeps serving while version 2 builds in small pages.
      const v2 = await start(countingProjection(2), { batchSize: 10, graceMs: 0 });
      const oldBuild = v2.activeBuild;
      const seen: string[] = [];
      let failures = 0;
      let stop = false;
      const queries = (async () => {
        while (!stop) {
          try {
            const s = await snapshot(v2);
            // Whole models only: every query sees all 400 events, of one version.
            expect(s.total).toBe(400);
            expect(s.distinct).toBe(400);
            expect(s.labels).toHaveLength(1);
            seen.push(s.labels[0] as string);
          } catch (error) {
            failures++;
            throw error;
          }
          await new Promise((r) => setImmediate(r));
        }
      })();
      await expect.poll(() => v2.activeBuild, { timeout: 20_000 }).not.toBe(oldBuild);
      await expect.poll(() => seen.at(-1), { timeout: 5000 }).toBe("v2");
      stop = true;
      await queries;
      expect(failures).toBe(0);
      expect(seen[0]).toBe("v1");
      expect(seen.lastIndexOf("v1")).toBeLessThan(seen.indexOf("v2"));
      // After the grace period (0 here) the old build's tables are gone.
      await v2.reconcile();
      expect((await v2.builds()).find((b) => b.build === oldBuild)?.state).toBe("dropped");
    });

    it("everyPage gets each followed event once, in log order, after the page's handlers and in its transaction", async () => {
      const base = countingProjection();
      const projection: Projection = {
        ...base,
        name: "contract_pages",
        migrations: [
          {
            sqlite: (t) =>
              `${base.migrations[0]?.sqlite(t)}; CREATE TABLE ${t("pages")} (n INTEGER NOT NULL, total_before INTEGER NOT NULL)`,
            postgres: (t) =>
              `${base.migrations[0]?.postgres(t)}; CREATE TABLE ${t("pages")} (n INTEGER NOT NULL, total_before INTEGER NOT NULL)`,
          },
        ],
        // Each event's n with the total as the page's handlers left it: every handler ran before everyPage.
        everyPage: async (events, { tx, t }) => {
          for (const e of events) {
            await tx.run(
              `INSERT INTO ${t("pages")} (n, total_before) SELECT ?, n FROM ${t("totals")} WHERE k = 'all'`,
              [(e.data as { n: number }).n],
            );
          }
        },
      };
      const position = await append(0, 45);
      const p = await start(projection, { batchSize: 10 });
      expect(await p.waitFor(position, 20_000)).toBe(true);
      const rows = await p.read(({ db, t }) =>
        db.all<{ n: number; total_before: number }>(`SELECT n, total_before FROM ${t("pages")}`),
      );
      expect(rows.map((r) => Number(r.n))).toEqual(Array.from({ length: 45 }, (_, i) => i));
      // The total an event's everyPage saw counts that event and the rest of its page (its handlers ran first),
      // and never more than the page: pages are at most 10 events here.
      const seen = rows.map((r) => Number(r.total_before));
      seen.forEach((total, i) => {
        expect(total).toBeGreaterThanOrEqual(i + 1);
        expect(total).toBeLessThanOrEqual(Math.floor(i / 10) * 10 + 10 + (i % 10));
      });
      expect(seen.at(-1)).toBe(45);
    });

    it("waitFor answers from the checkpoint: true once a write is visible, false after the timeout", async () => {
      const p = await start(countingProjection());
      await expect.poll(() => p.caughtUp).toBe(true);
      const position = await append(0, 3);
      expect(await p.waitFor(position, 10_000)).toBe(true);
      expect((await snapshot(p)).total).toBe(3);
      expect(await p.waitFor("99999999999", 50)).toBe(false);
      expect(await p.lag()).toBe(0);
      await p.readiness.check();
    });

    it("waitFor a position of a category the projection does not follow reads at once, without waiting for its own next append", async () => {
      // A build waits for appends of its own categories only (PostgreSQL names them in the NOTIFY); asked for a
      // position past another category's event, it reads now and moves past it. The idle wait here is longer
      // than the deadline, so only that read can answer in time.
      const p = await start(countingProjection(), { idleWaitMs: 120_000 });
      await expect.poll(() => p.caughtUp).toBe(true);
      await append(0, 2);
      await expect.poll(async () => (await snapshot(p)).total, { timeout: 20_000 }).toBe(2);
      const other = await h.store.append(`elsewhere-${randomUUID().slice(0, 8)}`, [counted(99)], "no-stream");
      expect(await p.waitFor(other.positions[0] as string, 30_000)).toBe(true);
      expect((await snapshot(p)).total).toBe(2);
    }, 60_000);
  });
}
