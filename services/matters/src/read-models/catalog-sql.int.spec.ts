import type { Actor } from "@gov/contracts";
import type { CommandContext, EventStore } from "@gov/eventsourcing";
import { type ProjectionHandle, startProjection } from "@gov/eventsourcing/projections";
import { postgresProjectionTestBed, probePostgres } from "@gov/eventsourcing/testing/postgres";
import { serviceTestApp } from "@gov/runtime/testing";
import type { Page, PageRequest } from "@gov/service-kit";
import { useBackend } from "@gov/testing";
import { afterAll, describe, expect, it } from "vitest";
import { type MattersCommands, mattersCommands } from "../application/commands.ts";
import { departments } from "../demo/departments.ts";
import { demoMatters, seedDemoCatalog } from "../demo/seed.ts";
import { mattersModule } from "../module.ts";
import type { CatalogFilter } from "./catalog.ts";
import { rebuildCatalog, referenceSnapshot } from "./catalog-projection.ts";
import { catalogProjection, SqlCatalog } from "./catalog-sql.ts";
import { catalogKpis } from "./kpis.ts";
import { type CatalogQueries, memoryQueries } from "./queries.ts";

useBackend("sqlite", "matters catalog in SQL (sqlite)", true);
const pgAvailable = await probePostgres();
const onPostgres = useBackend("postgres", "matters catalog in SQL (postgres)", pgAvailable);

const admin: Actor = { id: "admin-1", role: "admin" };
const at = (actor: Actor = admin): CommandContext => ({ now: "2026-05-06T10:00:00+08:00", actor });

/**
 * The demo catalog, then what the demo does not do: a second version, a suspension, a retirement, a transfer to
 * another department confirmed by its officer, a retired bundle. Answers the log position of the last write.
 */
async function exercise(commands: MattersCommands, catalog: CatalogQueries): Promise<string> {
  await seedDemoCatalog(commands, catalog, { now: () => "2026-05-06T10:00:00+08:00" });
  const [first, second, third, fourth] = demoMatters;
  if (!first || !second || !third || !fourth) throw new Error("the demo has fewer matters than expected");
  const { matters } = commands;
  await matters.handle(
    first.matterId,
    {
      type: "ReviseMatter",
      data: { elements: { ...first.elements, name: `${first.elements.name}（修订）` } },
    },
    at(),
  );
  await matters.handle(first.matterId, { type: "PublishMatter", data: {} }, at());
  await matters.handle(second.matterId, { type: "SuspendMatter", data: { reason: "整改" } }, at());
  await matters.handle(third.matterId, { type: "RetireMatter", data: { reason: "取消" } }, at());
  const to = Object.values(departments).find(
    (d) => d.creditCode !== fourth.elements.implementingDepartment.creditCode,
  );
  if (!to) throw new Error("no other demo department");
  await matters.handle(
    fourth.matterId,
    {
      type: "RequestTransfer",
      data: { to: { creditCode: to.creditCode, name: to.name }, reason: "机构改革" },
    },
    at(),
  );
  await matters.handle(
    fourth.matterId,
    { type: "ConfirmTransfer", data: {} },
    at({ id: "officer-1", role: "officer", department: to.creditCode }),
  );
  const retired = await commands.bundles.handle(
    "newborn-birth",
    { type: "RetireBundle", data: { reason: "测试" } },
    at(),
  );
  if (retired.position === undefined) throw new Error("the bundle was not retired");
  return retired.position;
}

/** Every page of a list, following the cursors. */
async function all<T>(list: (page: PageRequest) => Promise<Page<T> | undefined>, limit = 7): Promise<T[]> {
  const out: T[] = [];
  let after: (string | number)[] | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await list({ limit, ...(after ? { after } : {}) });
    if (!page) return out;
    out.push(...page.items);
    if (!page.next) return out;
    after = JSON.parse(Buffer.from(page.next, "base64url").toString("utf8"));
  }
  throw new Error("more than 100 pages");
}

const filters: CatalogFilter[] = [
  {},
  { type: "01" },
  { onlineDepth: 4 },
  { caseKind: "on-the-spot" },
  { text: "登记" },
  { text: " 许可 " },
  { text: "%" }, // a LIKE wildcard is taken literally: no matter's text has one
  { text: "_" },
];

/** The SQL model against the in-memory catalog rebuilt from the same log: tables, every query, the KPIs. */
async function expectEqualToReference(store: EventStore, sql: SqlCatalog) {
  const reference = await rebuildCatalog(store);
  const memory = memoryQueries(reference);
  expect(await sql.snapshot()).toEqual(referenceSnapshot(reference));
  expect(await sql.kpis()).toEqual(catalogKpis(reference));
  const someDepartment = demoMatters[4]?.elements.implementingDepartment.creditCode;
  for (const filter of [...filters, { department: someDepartment ?? "" }]) {
    const fromSql = await all((p) => sql.search(filter, p));
    expect(fromSql, JSON.stringify(filter)).toEqual(await all((p) => memory.search(filter, p)));
  }
  expect(await all((p) => sql.bundles(p), 1)).toEqual(await all((p) => memory.bundles(p), 1));
  for (const m of demoMatters.slice(0, 5))
    expect(await all((p) => sql.versions(m.matterId, p), 1)).toEqual(
      await all((p) => memory.versions(m.matterId, p), 1),
    );
}

describe("the catalog in SQL (embedded: the SQLite projection file)", () => {
  it("equals the in-memory catalog rebuilt from the log: rows, searches, pages, versions, KPIs; and so does a blue/green rebuild", async () => {
    const h = await serviceTestApp((deps) => mattersModule(deps, { seedCalendar: false }));
    try {
      const { catalog, projection } = h.module;
      const position = await exercise(h.module.commands, catalog);
      expect(await projection.waitFor(position, 10_000)).toBe(true);
      const kpis = await catalog.kpis();
      // the demo's figures moved as the writes above say: one suspended, one retired, one bundle retired
      expect(kpis.overall.mattersInForce).toBe(demoMatters.length - 2);
      await expectEqualToReference(h.store, catalog);
      const live = await catalog.snapshot();

      const before = projection.activeBuild;
      const green = await projection.rebuild();
      const deadline = Date.now() + 20_000;
      while (projection.activeBuild === before) {
        if (Date.now() > deadline) throw new Error("the rebuild never took over");
        // the routes keep answering from the old build while the new one fills
        expect((await h.request({ method: "GET", url: "/matters/kpis" })).statusCode).toBe(200);
        await projection.reconcile();
        // Yield to the event loop between looks: this loop alone never leaves the microtask queue (the KPI route
        // needs no token, so no I/O), and the projection file's group commit runs on the next turn.
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(projection.activeBuild).toBe(green);
      expect(await catalog.snapshot()).toEqual(live);
    } finally {
      await h.dispose();
    }
  }, 60_000);
});

describe.skipIf(!onPostgres)("the catalog in SQL (distributed: the PostgreSQL projection schema)", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it("equals the in-memory catalog rebuilt from the log: rows, searches, pages, versions, KPIs", async () => {
    const { store, db, dispose } = await postgresProjectionTestBed("matters_catalog");
    cleanup.push(dispose);
    const projection: ProjectionHandle = await startProjection(store, db, catalogProjection);
    cleanup.push(() => projection.close());
    const catalog = new SqlCatalog(projection);
    const position = await exercise(mattersCommands(store, catalog), catalog);
    expect(await projection.waitFor(position, 20_000)).toBe(true);
    await expectEqualToReference(store, catalog);
  }, 120_000);
});
