import { type DepartmentRef, intakeEventTypes } from "@gov/contracts";
import type { RecordedEvent } from "@gov/eventsourcing";
import type { Projection, ProjectionContext, ProjectionHandle } from "@gov/eventsourcing/projections";
import {
  type ApplicationEntry,
  type ApplicationView,
  applicationIdOf,
  applyApplicationEvent,
  bundleView,
  type IntakeKpis,
  type KpiFigure,
  ONE_WINDOW_TARGET,
} from "./applications.ts";

/**
 * Intake's applications read model in SQL (docs/projections.md): the read model that grows with every application,
 * kept in the projection database instead of memory and not rebuilt on start. Its tables are shaped for the routes:
 *
 * - `applications`: one row per application, the view as JSON plus the columns the routes filter and sort on —
 *   the window's queue (`queued`, `prio` 0 for the green channel, `received_on`, `seq` = first-seen order, by
 *   region or department), the case number, the applicant's subject id, the bundle, and the scheduler's `due` action;
 * - `kpi`: applications received per department, region and channel (一窗分类受理率 without scanning every row);
 * - `departments`: each implementing department as first seen (the KPI's department reference);
 * - `awaits`: which case waits for which bundle member's result.
 *
 * Version 1. A change to the tables or to what the handler writes is a new version: it builds beside this one
 * and takes over when it has caught up (blue/green).
 */
export const APPLICATIONS_PROJECTION = "intake_applications";

const ddl = (t: (n: string) => string, big: string) => `
  CREATE TABLE ${t("applications")} (
    application_id TEXT PRIMARY KEY,
    seq ${big} NOT NULL,
    bundle_application_id TEXT,
    status TEXT NOT NULL,
    region TEXT NOT NULL,
    department TEXT NOT NULL,
    channel TEXT NOT NULL,
    prio INTEGER NOT NULL,
    received_on TEXT NOT NULL,
    queued INTEGER NOT NULL,
    due TEXT,
    case_number TEXT,
    subject_id TEXT NOT NULL,
    state TEXT NOT NULL,
    view TEXT NOT NULL
  );
  CREATE UNIQUE INDEX ${t("applications_seq")} ON ${t("applications")} (seq);
  CREATE INDEX ${t("queue")} ON ${t("applications")} (prio, received_on, seq) WHERE queued = 1;
  CREATE INDEX ${t("queue_region")} ON ${t("applications")} (region, prio, received_on, seq) WHERE queued = 1;
  CREATE INDEX ${t("queue_department")} ON ${t("applications")} (department, prio, received_on, seq) WHERE queued = 1;
  CREATE INDEX ${t("case_number")} ON ${t("applications")} (case_number) WHERE case_number IS NOT NULL;
  CREATE INDEX ${t("subject")} ON ${t("applications")} (subject_id, seq);
  CREATE INDEX ${t("bundle")} ON ${t("applications")} (bundle_application_id, seq) WHERE bundle_application_id IS NOT NULL;
  CREATE INDEX ${t("due")} ON ${t("applications")} (seq) WHERE due IS NOT NULL;
  CREATE TABLE ${t("kpi")} (
    department TEXT NOT NULL,
    region TEXT NOT NULL,
    channel TEXT NOT NULL,
    n ${big} NOT NULL,
    PRIMARY KEY (department, region, channel)
  );
  CREATE TABLE ${t("departments")} (code TEXT PRIMARY KEY, ref TEXT NOT NULL);
  CREATE TABLE ${t("awaits")} (
    application_id TEXT NOT NULL,
    material_id TEXT NOT NULL,
    producer_application_id TEXT NOT NULL,
    producer_matter_id TEXT NOT NULL,
    seq ${big} NOT NULL,
    PRIMARY KEY (application_id, material_id)
  );
  CREATE INDEX ${t("awaits_producer")} ON ${t("awaits")} (producer_application_id, seq);
`;

interface Row {
  seq: number | string;
  state: string;
  view: string;
}

const dueOf = (v: ApplicationView) =>
  v.status === "submitted"
    ? "DeemAccepted"
    : v.status === "accepted" && v.outstanding.length > 0
      ? "TerminateUnsupplied"
      : null;

/** Folds one event into the application's row (and the KPI and awaits tables), inside the page's transaction. */
async function applyToRow(recorded: RecordedEvent, { tx, t }: ProjectionContext): Promise<void> {
  const id = applicationIdOf(recorded);
  if (id === undefined) return;
  const row = await tx.get<Row>(
    `SELECT seq, state, view FROM ${t("applications")} WHERE application_id = ?`,
    [id],
  );
  const before: ApplicationEntry | undefined = row && {
    state: JSON.parse(row.state),
    view: JSON.parse(row.view),
  };
  const next = applyApplicationEvent(before, recorded);
  if (!next) return;
  const v = next.view;
  let seq = row ? Number(row.seq) : 0;
  if (!row) {
    const last = await tx.get<{ n: number | string | null }>(
      `SELECT MAX(seq) AS n FROM ${t("applications")}`,
    );
    seq = Number(last?.n ?? 0) + 1;
    await tx.run(
      `INSERT INTO ${t("kpi")} (department, region, channel, n) VALUES (?, ?, ?, 1)
       ON CONFLICT (department, region, channel) DO UPDATE SET n = ${t("kpi")}.n + 1`,
      [v.matter.department.creditCode, v.matter.region, v.channel],
    );
    await tx.run(`INSERT INTO ${t("departments")} (code, ref) VALUES (?, ?) ON CONFLICT (code) DO NOTHING`, [
      v.matter.department.creditCode,
      JSON.stringify(v.matter.department),
    ]);
  }
  await tx.run(
    `INSERT INTO ${t("applications")} (application_id, seq, bundle_application_id, status, region, department, channel,
       prio, received_on, queued, due, case_number, subject_id, state, view)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (application_id) DO UPDATE SET status = excluded.status, queued = excluded.queued,
       due = excluded.due, case_number = excluded.case_number, state = excluded.state, view = excluded.view`,
    [
      id,
      seq,
      v.bundleApplicationId ?? null,
      v.status,
      v.matter.region,
      v.matter.department.creditCode,
      v.channel,
      v.flags.includes("green-channel") ? 0 : 1,
      v.receivedOn,
      v.status === "submitted" || v.status === "supplemented" ? 1 : 0,
      dueOf(v),
      v.accepted?.caseNumber ?? null,
      v.applicant.subjectId,
      JSON.stringify(next.state),
      JSON.stringify(v),
    ],
  );
  const awaited = before?.view.awaiting.length ?? 0;
  if (awaited > 0 || v.awaiting.length > 0) {
    await tx.run(`DELETE FROM ${t("awaits")} WHERE application_id = ?`, [id]);
    for (const w of v.awaiting)
      await tx.run(
        `INSERT INTO ${t("awaits")} (application_id, material_id, producer_application_id, producer_matter_id, seq)
         VALUES (?, ?, ?, ?, ?)`,
        [id, w.materialId, w.producedBy.applicationId, w.producedBy.matterId, seq],
      );
  }
}

/** The projection: every application event type folds into the application's row. */
export const applicationsProjection: Projection = {
  name: APPLICATIONS_PROJECTION,
  version: 1,
  categories: ["application"],
  migrations: [{ sqlite: (t) => ddl(t, "INTEGER"), postgres: (t) => ddl(t, "BIGINT") }],
  handlers: Object.fromEntries(
    Object.values(intakeEventTypes)
      .filter((type) => type !== intakeEventTypes.CaseNumberAllocated)
      .map((type) => [type, applyToRow]),
  ),
};

/** What a list route may see: the caller's scope as SQL filters (so pages are full pages of what it may read). */
export interface ApplicationScope {
  region?: string;
  department?: string;
  subjectId?: string;
}

/** A page of a list: the items and the cursor of the next page (absent on the last page). */
export interface Page<T> {
  items: T[];
  next?: string;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;

const encode = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString("base64url");
/** A cursor back into its key, or undefined when it is not one of ours (the route answers 400). */
export function decodeCursor(cursor: string, length: number): (string | number)[] | undefined {
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (!Array.isArray(key) || key.length !== length) return undefined;
    if (!key.every((k) => typeof k === "string" || (typeof k === "number" && Number.isSafeInteger(k))))
      return undefined;
    return key as (string | number)[];
  } catch {
    return undefined;
  }
}

const scopeSql = (scope: ApplicationScope) => {
  const where: string[] = [];
  const params: string[] = [];
  if (scope.region) where.push("region = ?") && params.push(scope.region);
  if (scope.department) where.push("department = ?") && params.push(scope.department);
  if (scope.subjectId) where.push("subject_id = ?") && params.push(scope.subjectId);
  return { where, params };
};

/**
 * The queries the routes and the scheduler ask, against whichever build of the projection is active. Lists come
 * in pages (keyset cursors: a page costs the same wherever it starts).
 */
export class SqlApplications {
  readonly #p: ProjectionHandle;
  constructor(projection: ProjectionHandle) {
    this.#p = projection;
  }

  get(applicationId: string): Promise<ApplicationView | undefined> {
    return this.#p.read(async ({ db, t }) => {
      const row = await db.get<{ view: string }>(
        `SELECT view FROM ${t("applications")} WHERE application_id = ?`,
        [applicationId],
      );
      return row && (JSON.parse(row.view) as ApplicationView);
    });
  }

  /** The window's queue: waiting for a completeness check, green channel first, then oldest (then first seen). */
  queue(filter: ApplicationScope = {}, page: { limit?: number; after?: (string | number)[] } = {}) {
    const limit = Math.min(page.limit ?? DEFAULT_PAGE, MAX_PAGE);
    return this.#p.read(async ({ db, t }): Promise<Page<ApplicationView>> => {
      const { where, params } = scopeSql(filter);
      const keyed = page.after ? ["(prio, received_on, seq) > (?, ?, ?)"] : [];
      const rows = await db.all<{ prio: number; received_on: string; seq: number | string; view: string }>(
        `SELECT prio, received_on, seq, view FROM ${t("applications")}
         WHERE ${["queued = 1", ...where, ...keyed].join(" AND ")}
         ORDER BY prio, received_on, seq LIMIT ?`,
        [...params, ...(page.after ?? []), limit + 1],
      );
      return pageOf(rows, limit, (r) => [Number(r.prio), r.received_on, Number(r.seq)]);
    });
  }

  /** Applications by case number (办件编号) or by applicant, in the order intake first saw them. */
  search(
    by: { caseNumber?: string; subjectId?: string },
    scope: ApplicationScope = {},
    page: { limit?: number; after?: (string | number)[] } = {},
  ) {
    const limit = Math.min(page.limit ?? DEFAULT_PAGE, MAX_PAGE);
    return this.#p.read(async ({ db, t }): Promise<Page<ApplicationView>> => {
      const { where, params } = scopeSql(scope);
      if (by.caseNumber) where.push("case_number = ?") && params.push(by.caseNumber);
      if (by.subjectId) where.push("subject_id = ?") && params.push(by.subjectId);
      const keyed = page.after ? ["seq > ?"] : [];
      const rows = await db.all<{ seq: number | string; view: string }>(
        `SELECT seq, view FROM ${t("applications")} WHERE ${[...where, ...keyed].join(" AND ") || "1 = 1"}
         ORDER BY seq LIMIT ?`,
        [...params, ...(page.after ?? []), limit + 1],
      );
      return pageOf(rows, limit, (r) => [Number(r.seq)]);
    });
  }

  /** A "一件事" application: its cases, its status, and which case waits for which. */
  bundle(bundleApplicationId: string) {
    return this.#p.read(async ({ db, t }) => {
      const rows = await db.all<{ view: string }>(
        `SELECT view FROM ${t("applications")} WHERE bundle_application_id = ? ORDER BY seq`,
        [bundleApplicationId],
      );
      return bundleView(
        bundleApplicationId,
        rows.map((r) => JSON.parse(r.view) as ApplicationView),
      );
    });
  }

  /** The cases waiting for a result of `applicationId` (see application/awaited-results.ts). */
  awaitingResultOf(applicationId: string) {
    return this.#p.read(({ db, t }) =>
      db.all<{ applicationId: string; materialId: string }>(
        `SELECT application_id AS "applicationId", material_id AS "materialId" FROM ${t("awaits")}
         WHERE producer_application_id = ? ORDER BY seq, material_id`,
        [applicationId],
      ),
    );
  }

  /** 一窗分类受理率 overall, per implementing department and per region, from the per-channel counts. */
  kpis(): Promise<IntakeKpis> {
    return this.#p.read(async ({ db, t }) => {
      const counts = await db.all<{
        department: string;
        region: string;
        channel: string;
        n: number | string;
      }>(`SELECT department, region, channel, n FROM ${t("kpi")}`);
      const refs = await db.all<{ code: string; ref: string }>(`SELECT code, ref FROM ${t("departments")}`);
      const ref = new Map(refs.map((r) => [r.code, JSON.parse(r.ref) as DepartmentRef]));
      const tally = () => ({ count: 0, total: 0 });
      const overall = tally();
      const byDepartment = new Map<string, { count: number; total: number }>();
      const byRegion = new Map<string, { count: number; total: number }>();
      for (const c of counts) {
        const n = Number(c.n);
        const window = c.channel === "window" ? n : 0;
        for (const x of [
          overall,
          byDepartment.get(c.department) ?? byDepartment.set(c.department, tally()).get(c.department),
          byRegion.get(c.region) ?? byRegion.set(c.region, tally()).get(c.region),
        ]) {
          if (!x) continue;
          x.total += n;
          x.count += window;
        }
      }
      return {
        overall: figure(overall),
        byDepartment: [...byDepartment.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([code, f]) => ({ department: ref.get(code) as DepartmentRef, oneWindow: figure(f) })),
        byRegion: [...byRegion.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([region, f]) => ({ region, oneWindow: figure(f) })),
      };
    });
  }

  /** For the scheduler: applications that may be due (行政许可法 第三十二条, 容缺 termination), read in pages. */
  async candidates(): Promise<{ applicationId: string; action: "DeemAccepted" | "TerminateUnsupplied" }[]> {
    const out: { applicationId: string; action: "DeemAccepted" | "TerminateUnsupplied" }[] = [];
    let after = 0;
    for (;;) {
      const rows = await this.#p.read(({ db, t }) =>
        db.all<{ application_id: string; due: "DeemAccepted" | "TerminateUnsupplied"; seq: number | string }>(
          `SELECT application_id, due, seq FROM ${t("applications")} WHERE due IS NOT NULL AND seq > ? ORDER BY seq LIMIT 1000`,
          [after],
        ),
      );
      for (const r of rows) out.push({ applicationId: r.application_id, action: r.due });
      if (rows.length < 1000) return out;
      after = Number(rows.at(-1)?.seq);
    }
  }

  /** Every application by id (for the rebuild-equals-live checks; not for routes). */
  snapshot(): Promise<ApplicationView[]> {
    return this.#p.read(async ({ db, t }) =>
      (await db.all<{ view: string }>(`SELECT view FROM ${t("applications")} ORDER BY application_id`)).map(
        (r) => JSON.parse(r.view) as ApplicationView,
      ),
    );
  }
}

function pageOf<R extends { view: string }>(
  rows: R[],
  limit: number,
  key: (r: R) => unknown[],
): Page<ApplicationView> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return {
    items: shown.map((r) => JSON.parse(r.view) as ApplicationView),
    ...(more && last ? { next: encode(key(last)) } : {}),
  };
}

function figure({ count, total }: { count: number; total: number }): KpiFigure {
  const rate = total === 0 ? null : Math.round((count / total) * 10_000) / 10_000;
  return {
    count,
    total,
    rate,
    target: { op: ">=", value: ONE_WINDOW_TARGET },
    met: rate === null ? null : rate >= ONE_WINDOW_TARGET,
  };
}
