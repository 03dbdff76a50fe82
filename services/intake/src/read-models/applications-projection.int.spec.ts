import { type ProjectionHandle, startProjection } from "@gov/eventsourcing/projections";
import { type ProjectionTestBed, sqliteProjectionTestBed } from "@gov/eventsourcing/testing";
import { postgresProjectionTestBed, probePostgres } from "@gov/eventsourcing/testing/postgres";
import { useBackend } from "@gov/testing";
import { afterEach, describe, expect, it } from "vitest";
import { applicationsProjection } from "./applications-projection.ts";
import { SqlApplications } from "./applications-sql.ts";
import { applicationEvents, generatedId } from "./generated-applications.ts";

/** The same projection without its page handler: every event through `applyToRow`, one after the other. */
const eventByEvent = (() => {
  const { applyPage: _, ...rest } = applicationsProjection;
  return { ...rest, name: "intake_apps_one_by_one" };
})();

/** Every table of the model, as rows (what a query could see), for one build. */
async function tables(p: ProjectionHandle) {
  return p.read(async ({ db, t }) => ({
    applications: await db.all(
      `SELECT application_id, seq, bundle_application_id, status, region, department, channel, prio, received_on,
         queued, due, case_number, subject_id, state, view FROM ${t("applications")} ORDER BY seq`,
    ),
    kpi: await db.all(
      `SELECT department, region, channel, n FROM ${t("kpi")} ORDER BY department, region, channel`,
    ),
    departments: await db.all(`SELECT code, ref FROM ${t("departments")} ORDER BY code`),
    awaits: await db.all(`SELECT * FROM ${t("awaits")} ORDER BY application_id, material_id`),
  }));
}

const normalise = (rows: Awaited<ReturnType<typeof tables>>) =>
  JSON.parse(
    JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? Number(v) : v)),
    (k, v) => (["seq", "n", "prio", "queued"].includes(k) ? Number(v) : v),
  );

function describeEquivalence(backend: string, open: () => Promise<ProjectionTestBed>) {
  describe(`intake applications projection, ${backend}`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanup.splice(0).reverse()) await c();
    });

    it("a page at a time (applyPage) writes the same tables as event by event, across pages and restarts", async () => {
      const { store, db, dispose } = await open();
      cleanup.push(dispose);
      // Applications spread over several appends so that one application's events fall into different pages.
      for (let i = 0; i < 240; i += 1) {
        const { events } = applicationEvents(i);
        const half = Math.ceil(events.length / 2);
        await store.append(`application-${generatedId(i)}`, events.slice(0, half), "no-stream");
        if (events.length > half)
          await store.append(`application-${generatedId(i)}`, events.slice(half), half - 1);
      }
      const paged = await startProjection(store, db, applicationsProjection, {
        batchSize: 37,
        idleWaitMs: 20,
      });
      const single = await startProjection(store, db, eventByEvent, { batchSize: 37, idleWaitMs: 20 });
      cleanup.push(async () => {
        await paged.close();
        await single.close();
      });
      await expect.poll(() => paged.caughtUp && single.caughtUp, { timeout: 30_000 }).toBe(true);
      const a = normalise(await tables(paged));
      const b = normalise(await tables(single));
      expect(a.applications.length).toBe(240);
      expect(a.kpi.length).toBeGreaterThan(1);
      expect(a).toEqual(b);
    });

    it("the scheduler's candidates on a day are those whose first possible day has come (行政许可法 第三十二条, 容缺)", async () => {
      const { store, db, dispose } = await open();
      cleanup.push(dispose);
      for (let i = 0; i < 200; i += 1)
        await store.append(`application-${generatedId(i)}`, applicationEvents(i).events, "no-stream");
      const p = await startProjection(store, db, applicationsProjection, { idleWaitMs: 20 });
      cleanup.push(() => p.close());
      await expect.poll(() => p.caughtUp, { timeout: 30_000 }).toBe(true);
      const model = new SqlApplications(p);
      const all = await model.candidates();
      expect(all.some((c) => c.action === "DeemAccepted")).toBe(true);
      expect(all.some((c) => c.action === "TerminateUnsupplied")).toBe(true);
      // Long after every deadline: all of them; before any receipt: none.
      expect(new Set((await model.candidates("2099-12-31")).map((c) => c.applicationId))).toEqual(
        new Set(all.map((c) => c.applicationId)),
      );
      expect(await model.candidates("2026-01-01")).toEqual([]);
      // On a day in between: a deemed acceptance only once 5 working days (≥ 5 calendar days) have passed since
      // receipt, a termination only after the promised supply day.
      const today = "2026-06-15";
      const due = await model.candidates(today);
      expect(due.length).toBeGreaterThan(0);
      expect(due.length).toBeLessThan(all.length);
      for (const c of due) {
        const v = await model.get(c.applicationId);
        if (c.action === "DeemAccepted") expect((v?.receivedOn ?? "") <= "2026-06-09").toBe(true);
        else expect((v?.accepted?.deferred?.supplyBy ?? "9999") < today).toBe(true);
      }
      for (const c of all.filter((a) => !due.some((d) => d.applicationId === a.applicationId))) {
        const v = await model.get(c.applicationId);
        if (c.action === "DeemAccepted") expect((v?.receivedOn ?? "") > "2026-06-09").toBe(true);
        else expect((v?.accepted?.deferred?.supplyBy ?? "") >= today).toBe(true);
      }
    });
  });
}

useBackend("sqlite", "intake applications projection (sqlite)", true);
describeEquivalence("sqlite", async () => sqliteProjectionTestBed("intake-proj"));

if (useBackend("postgres", "intake applications projection (postgres)", await probePostgres()))
  describeEquivalence("postgres", () => postgresProjectionTestBed("intake_proj"));
