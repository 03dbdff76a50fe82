import { type DepartmentRef, type MattersEventData, mattersEventTypes } from "@gov/contracts";
import type { RecordedEvent } from "@gov/eventsourcing";
import type { Projection, ProjectionContext, ProjectionHandle } from "@gov/eventsourcing/projections";
import { type Page, type PageRequest, pageLimit, pageOf } from "@gov/service-kit";
import {
  type BaselineView,
  type BundleView,
  type CatalogFilter,
  evolveMatter,
  type MatterSummary,
  type PublishedVersionView,
} from "./catalog.ts";
import {
  INTEGRATED_WINDOW_INTAKE,
  isOnlineAvailable,
  type KpiReport,
  kpisFromCounts,
  materialsReducedFrom,
  notAskedReason,
} from "./kpis.ts";
import type { CatalogQueries } from "./queries.ts";

/**
 * The catalog read model in SQL (docs/projections.md), in the matters service's projection database (the SQLite file
 * `<DATA_DIR>/matters-projections.db`, or the PostgreSQL schema `matters_projections`). Its tables are shaped for the
 * routes:
 *
 * - `matters`: one row per matter, its summary (status, department, current published version, draft) as JSON and
 *   the columns the search filters on (department, type, online depth, case kind, the lower-cased text searched)
 *   and the KPIs count (in force, online available, 即办件, on-site visits);
 * - `versions`: every published version of every matter (the history, listed page by page);
 * - `materials`: the current version's materials of each matter, with why one is not asked (materials reduced);
 * - `bundles` and `bundle_deps` (which member's material another member produces); `baselines`.
 *
 * Ids sort in code-point order in both dialects (`COLLATE "C"` on PostgreSQL), which is also the cursors' order.
 * Version 1. A change to the tables or to what the handlers write is a new version (blue/green).
 */
export const CATALOG_PROJECTION = "matters_catalog";

const ddl = (t: (n: string) => string, id: string) => `
  CREATE TABLE ${t("matters")} (
    matter_id ${id} PRIMARY KEY,
    status TEXT NOT NULL,
    department ${id} NOT NULL,
    department_ref TEXT NOT NULL,
    has_current INTEGER NOT NULL,
    type TEXT,
    online_depth INTEGER,
    case_kind TEXT,
    search_text TEXT,
    online_available INTEGER NOT NULL,
    on_the_spot INTEGER NOT NULL,
    visits INTEGER,
    view TEXT NOT NULL
  );
  CREATE INDEX ${t("matters_department")} ON ${t("matters")} (department, matter_id);
  CREATE INDEX ${t("matters_type")} ON ${t("matters")} (type, matter_id);
  CREATE INDEX ${t("matters_depth")} ON ${t("matters")} (online_depth, matter_id);
  CREATE INDEX ${t("matters_kind")} ON ${t("matters")} (case_kind, matter_id);
  CREATE INDEX ${t("matters_status")} ON ${t("matters")} (status, department);
  CREATE TABLE ${t("versions")} (
    matter_id ${id} NOT NULL,
    version INTEGER NOT NULL,
    view TEXT NOT NULL,
    PRIMARY KEY (matter_id, version)
  );
  CREATE TABLE ${t("materials")} (
    matter_id ${id} NOT NULL,
    idx INTEGER NOT NULL,
    material_id TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (matter_id, idx)
  );
  CREATE TABLE ${t("bundles")} (bundle_id ${id} PRIMARY KEY, status TEXT NOT NULL, view TEXT NOT NULL);
  CREATE TABLE ${t("bundle_deps")} (
    bundle_id ${id} NOT NULL,
    matter_id ${id} NOT NULL,
    material_id TEXT NOT NULL
  );
  CREATE INDEX ${t("bundle_deps_bundle")} ON ${t("bundle_deps")} (bundle_id);
  CREATE INDEX ${t("bundle_deps_material")} ON ${t("bundle_deps")} (matter_id, material_id);
  CREATE TABLE ${t("baselines")} (measure TEXT PRIMARY KEY, view TEXT NOT NULL);
`;

const ev = mattersEventTypes;
const matterTypes = [
  ev.MatterDrafted,
  ev.MatterClaimed,
  ev.MatterPublished,
  ev.MatterSuspended,
  ev.MatterResumed,
  ev.MatterRetired,
  ev.MatterTransferRequested,
  ev.MatterTransferConfirmed,
  ev.MatterTransferCancelled,
];

/** The text the search's `text` filter looks in, as the in-memory catalog builds it. */
const searchText = (m: MatterSummary) => {
  const e = m.current?.elements;
  return e ? `${e.name} ${e.basicCode} ${e.implementationCode} ${m.matterId}`.toLowerCase() : null;
};

async function applyMatter(event: RecordedEvent, { tx, t }: ProjectionContext): Promise<void> {
  const matterId = (event.data as { matterId: string }).matterId;
  const row = await tx.get<{ view: string }>(`SELECT view FROM ${t("matters")} WHERE matter_id = ?`, [
    matterId,
  ]);
  const next = evolveMatter(row && (JSON.parse(row.view) as MatterSummary), event);
  if (!next) return;
  const m = next.matter;
  const e = m.current?.elements;
  await tx.run(
    `INSERT INTO ${t("matters")} (matter_id, status, department, department_ref, has_current, type, online_depth,
       case_kind, search_text, online_available, on_the_spot, visits, view)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (matter_id) DO UPDATE SET status = excluded.status, department = excluded.department,
       department_ref = excluded.department_ref, has_current = excluded.has_current, type = excluded.type,
       online_depth = excluded.online_depth, case_kind = excluded.case_kind, search_text = excluded.search_text,
       online_available = excluded.online_available, on_the_spot = excluded.on_the_spot, visits = excluded.visits,
       view = excluded.view`,
    [
      matterId,
      m.status,
      m.department.creditCode,
      JSON.stringify(m.department),
      e ? 1 : 0,
      e?.type ?? null,
      e?.onlineDepth ?? null,
      e?.caseKind ?? null,
      searchText(m),
      e && isOnlineAvailable(e) ? 1 : 0,
      e?.caseKind === "on-the-spot" ? 1 : 0,
      e?.onSiteVisits ?? null,
      JSON.stringify(m),
    ],
  );
  if (!next.published) return;
  await tx.run(
    `INSERT INTO ${t("versions")} (matter_id, version, view) VALUES (?, ?, ?)
     ON CONFLICT (matter_id, version) DO UPDATE SET view = excluded.view`,
    [matterId, next.published.version, JSON.stringify(next.published)],
  );
  await tx.run(`DELETE FROM ${t("materials")} WHERE matter_id = ?`, [matterId]);
  for (const [idx, material] of next.published.elements.materials.entries())
    await tx.run(`INSERT INTO ${t("materials")} (matter_id, idx, material_id, reason) VALUES (?, ?, ?, ?)`, [
      matterId,
      idx,
      material.id,
      notAskedReason(material) ?? null,
    ]);
}

async function applyBundlePublished(event: RecordedEvent, { tx, t }: ProjectionContext): Promise<void> {
  const d = event.data as MattersEventData["BundlePublished"];
  const view: BundleView = { bundleId: d.bundleId, status: "published", data: d };
  await tx.run(
    `INSERT INTO ${t("bundles")} (bundle_id, status, view) VALUES (?, ?, ?)
     ON CONFLICT (bundle_id) DO UPDATE SET status = excluded.status, view = excluded.view`,
    [d.bundleId, view.status, JSON.stringify(view)],
  );
  await tx.run(`DELETE FROM ${t("bundle_deps")} WHERE bundle_id = ?`, [d.bundleId]);
  for (const dep of d.dependencies ?? [])
    await tx.run(`INSERT INTO ${t("bundle_deps")} (bundle_id, matter_id, material_id) VALUES (?, ?, ?)`, [
      d.bundleId,
      dep.matterId,
      dep.materialId,
    ]);
}

async function applyBundleRetired(event: RecordedEvent, { tx, t }: ProjectionContext): Promise<void> {
  const d = event.data as MattersEventData["BundleRetired"];
  const row = await tx.get<{ view: string }>(`SELECT view FROM ${t("bundles")} WHERE bundle_id = ?`, [
    d.bundleId,
  ]);
  if (!row) return;
  const view: BundleView = { ...(JSON.parse(row.view) as BundleView), status: "retired" };
  await tx.run(`UPDATE ${t("bundles")} SET status = ?, view = ? WHERE bundle_id = ?`, [
    view.status,
    JSON.stringify(view),
    d.bundleId,
  ]);
}

async function applyBaseline(event: RecordedEvent, { tx, t }: ProjectionContext): Promise<void> {
  const d = event.data as MattersEventData["BaselineRecorded"];
  const view: BaselineView = { ...d, recordedAt: event.time };
  await tx.run(
    `INSERT INTO ${t("baselines")} (measure, view) VALUES (?, ?)
     ON CONFLICT (measure) DO UPDATE SET view = excluded.view`,
    [d.measure, JSON.stringify(view)],
  );
}

/** The projection: the service's matter, bundle and baseline events into the catalog's tables. */
export const catalogProjection: Projection = {
  name: CATALOG_PROJECTION,
  version: 1,
  categories: ["matter", "bundle", "baseline"],
  migrations: [{ sqlite: (t) => ddl(t, "TEXT"), postgres: (t) => ddl(t, 'TEXT COLLATE "C"') }],
  handlers: {
    ...Object.fromEntries(matterTypes.map((type) => [type, applyMatter])),
    [ev.BundlePublished]: applyBundlePublished,
    [ev.BundleRetired]: applyBundleRetired,
    [ev.BaselineRecorded]: applyBaseline,
  },
};

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
const parse = <T>(r: { view: string }) => JSON.parse(r.view) as T;
const num = (v: unknown) => Number(v ?? 0);

/** The routes' queries against the active build of the catalog projection. Lists come in pages. */
export class SqlCatalog implements CatalogQueries {
  readonly #p: ProjectionHandle;
  constructor(projection: ProjectionHandle) {
    this.#p = projection;
  }

  get(matterId: string): Promise<MatterSummary | undefined> {
    return this.#p.read(async ({ db, t }) => {
      const row = await db.get<{ view: string }>(`SELECT view FROM ${t("matters")} WHERE matter_id = ?`, [
        matterId,
      ]);
      return row && parse<MatterSummary>(row);
    });
  }

  version(matterId: string, version: number): Promise<PublishedVersionView | undefined> {
    return this.#p.read(async ({ db, t }) => {
      const row = await db.get<{ view: string }>(
        `SELECT view FROM ${t("versions")} WHERE matter_id = ? AND version = ?`,
        [matterId, version],
      );
      return row && parse<PublishedVersionView>(row);
    });
  }

  versions(matterId: string, page: PageRequest = {}): Promise<Page<PublishedVersionView> | undefined> {
    const limit = pageLimit(page);
    return this.#p.read(async ({ db, t }) => {
      const known = await db.get(`SELECT 1 AS one FROM ${t("matters")} WHERE matter_id = ?`, [matterId]);
      if (!known) return undefined;
      const after = page.after?.[0];
      const rows = await db.all<{ version: number | string; view: string }>(
        `SELECT version, view FROM ${t("versions")} WHERE matter_id = ?${after === undefined ? "" : " AND version > ?"}
         ORDER BY version LIMIT ?`,
        [matterId, ...(after === undefined ? [] : [after]), limit + 1],
      );
      return pageOf(rows, limit, (r) => [Number(r.version)], parse<PublishedVersionView>);
    });
  }

  search(filter: CatalogFilter = {}, page: PageRequest = {}): Promise<Page<MatterSummary>> {
    const limit = pageLimit(page);
    const where = ["has_current = 1", "status <> 'retired'"];
    const params: (string | number)[] = [];
    const add = (sql: string, value: string | number) => {
      where.push(sql);
      params.push(value);
    };
    if (filter.department) add("department = ?", filter.department);
    if (filter.status) add("status = ?", filter.status);
    if (filter.type) add("type = ?", filter.type);
    if (filter.onlineDepth) add("online_depth = ?", filter.onlineDepth);
    if (filter.caseKind) add("case_kind = ?", filter.caseKind);
    const text = filter.text?.trim().toLowerCase();
    if (text) add("search_text LIKE ? ESCAPE '\\'", `%${likeLiteral(text)}%`);
    const after = page.after?.[0];
    if (after !== undefined) add("matter_id > ?", after);
    return this.#p.read(async ({ db, t }) => {
      const rows = await db.all<{ matter_id: string; view: string }>(
        `SELECT matter_id, view FROM ${t("matters")} WHERE ${where.join(" AND ")} ORDER BY matter_id LIMIT ?`,
        [...params, limit + 1],
      );
      return pageOf(rows, limit, (r) => [r.matter_id], parse<MatterSummary>);
    });
  }

  bundle(bundleId: string): Promise<BundleView | undefined> {
    return this.#p.read(async ({ db, t }) => {
      const row = await db.get<{ view: string }>(`SELECT view FROM ${t("bundles")} WHERE bundle_id = ?`, [
        bundleId,
      ]);
      return row && parse<BundleView>(row);
    });
  }

  bundles(page: PageRequest = {}): Promise<Page<BundleView>> {
    const limit = pageLimit(page);
    const after = page.after?.[0];
    return this.#p.read(async ({ db, t }) => {
      const rows = await db.all<{ bundle_id: string; view: string }>(
        `SELECT bundle_id, view FROM ${t("bundles")}${after === undefined ? "" : " WHERE bundle_id > ?"}
         ORDER BY bundle_id LIMIT ?`,
        [...(after === undefined ? [] : [after]), limit + 1],
      );
      return pageOf(rows, limit, (r) => [r.bundle_id], parse<BundleView>);
    });
  }

  /** The KPIs counted in SQL: per department (grouped), overall (their sum), materials (one aggregate). */
  kpis(): Promise<KpiReport> {
    return this.#p.read(async ({ db, t }) => {
      const groups = await db.all<Record<string, unknown>>(
        `SELECT m.department AS department, COUNT(*) AS total, SUM(m.online_available) AS online,
           SUM(m.on_the_spot) AS spot, SUM(CASE WHEN m.visits <= 1 THEN 1 ELSE 0 END) AS one,
           SUM(CASE WHEN m.visits = 0 THEN 1 ELSE 0 END) AS zero,
           (SELECT d.department_ref FROM ${t("matters")} d WHERE d.department = m.department AND d.status = 'published'
            ORDER BY d.matter_id LIMIT 1) AS ref
         FROM ${t("matters")} m WHERE m.status = 'published' GROUP BY m.department ORDER BY m.department`,
      );
      const counts = (g: Record<string, unknown>) => ({
        total: num(g.total),
        onlineAvailable: num(g.online),
        onTheSpot: num(g.spot),
        atMostOneVisit: num(g.one),
        zeroVisits: num(g.zero),
      });
      const overall = { total: 0, onlineAvailable: 0, onTheSpot: 0, atMostOneVisit: 0, zeroVisits: 0 };
      for (const g of groups)
        for (const [k, v] of Object.entries(counts(g))) overall[k as keyof typeof overall] += v;
      const materials = await db.get<Record<string, unknown>>(
        `SELECT COUNT(*) AS listed,
           SUM(CASE WHEN x.reason = 'government' THEN 1 ELSE 0 END) AS government,
           SUM(CASE WHEN x.reason = 'certificate' THEN 1 ELSE 0 END) AS certificate,
           SUM(CASE WHEN x.reason IS NULL AND EXISTS (
             SELECT 1 FROM ${t("bundle_deps")} d JOIN ${t("bundles")} b ON b.bundle_id = d.bundle_id
             WHERE b.status = 'published' AND d.matter_id = x.matter_id AND d.material_id = x.material_id
           ) THEN 1 ELSE 0 END) AS produced
         FROM ${t("materials")} x JOIN ${t("matters")} m ON m.matter_id = x.matter_id
         WHERE m.status = 'published'`,
      );
      const notAsked = {
        total: 0,
        government: num(materials?.government),
        certificate: num(materials?.certificate),
        producedInBundle: num(materials?.produced),
      };
      notAsked.total = notAsked.government + notAsked.certificate + notAsked.producedInBundle;
      const baseline = await db.get<{ view: string }>(
        `SELECT view FROM ${t("baselines")} WHERE measure = ?`,
        ["materials-asked"],
      );
      return {
        overall: kpisFromCounts(overall),
        byDepartment: groups.map((g) => ({
          department: JSON.parse(String(g.ref)) as DepartmentRef,
          ...kpisFromCounts(counts(g)),
        })),
        materialsReduced: materialsReducedFrom(
          num(materials?.listed),
          notAsked,
          baseline ? parse<BaselineView>(baseline) : null,
        ),
        integratedWindowIntake: INTEGRATED_WINDOW_INTAKE,
      };
    });
  }

  /** Every table's rows (for the rebuild-equals-live checks; not for routes). */
  snapshot(): Promise<CatalogSnapshot> {
    return this.#p.read(async ({ db, t }) => ({
      matters: (await db.all<{ view: string }>(`SELECT view FROM ${t("matters")} ORDER BY matter_id`)).map(
        parse<MatterSummary>,
      ),
      versions: (
        await db.all<{ matter_id: string; view: string }>(
          `SELECT matter_id, view FROM ${t("versions")} ORDER BY matter_id, version`,
        )
      ).map((r) => ({ matterId: r.matter_id, ...parse<PublishedVersionView>(r) })),
      bundles: (await db.all<{ view: string }>(`SELECT view FROM ${t("bundles")} ORDER BY bundle_id`)).map(
        parse<BundleView>,
      ),
      baselines: (await db.all<{ view: string }>(`SELECT view FROM ${t("baselines")} ORDER BY measure`)).map(
        parse<BaselineView>,
      ),
    }));
  }
}

/** The whole catalog as plain JSON, in the same shape from the SQL tables and from the in-memory reference. */
export interface CatalogSnapshot {
  matters: MatterSummary[];
  versions: (PublishedVersionView & { matterId: string })[];
  bundles: BundleView[];
  baselines: BaselineView[];
}
