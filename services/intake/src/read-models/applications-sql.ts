import type { DepartmentRef } from "@gov/contracts";
import type { ProjectionHandle } from "@gov/eventsourcing/projections";
import {
  type ApplicationView,
  bundleView,
  type IntakeKpis,
  type KpiFigure,
  ONE_WINDOW_TARGET,
} from "./applications.ts";

export { APPLICATIONS_PROJECTION, applicationsProjection } from "./applications-projection.ts";

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

  /**
   * For the scheduler: applications that may be due (行政许可法 第三十二条, 容缺 termination), read in pages. With
   * `today` (a China date), only those whose first possible day has come (the `due` index): a run reads what may
   * move, not every application waiting.
   */
  async candidates(
    today?: string,
  ): Promise<{ applicationId: string; action: "DeemAccepted" | "TerminateUnsupplied" }[]> {
    const out: { applicationId: string; action: "DeemAccepted" | "TerminateUnsupplied" }[] = [];
    let after: [string, number] = ["", 0];
    for (;;) {
      const rows = await this.#p.read(({ db, t }) =>
        db.all<{
          application_id: string;
          due: "DeemAccepted" | "TerminateUnsupplied";
          due_on: string;
          seq: number | string;
        }>(
          `SELECT application_id, due, due_on, seq FROM ${t("applications")}
           WHERE due IS NOT NULL AND due_on IS NOT NULL ${today === undefined ? "" : "AND due_on <= ?"}
             AND (due_on, seq) > (?, ?)
           ORDER BY due_on, seq LIMIT 1000`,
          [...(today === undefined ? [] : [today]), ...after],
        ),
      );
      for (const r of rows) out.push({ applicationId: r.application_id, action: r.due });
      const last = rows.at(-1);
      if (rows.length < 1000 || !last) return out;
      after = [last.due_on, Number(last.seq)];
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
