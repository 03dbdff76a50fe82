import { type ReviewAndMonitorEventData, reviewAndMonitorEventTypes } from "@gov/contracts";
import type { RecordedEvent } from "@gov/eventsourcing";
import type {
  Projection,
  ProjectionContext,
  ProjectionHandle,
  SqlValue,
} from "@gov/eventsourcing/projections";
import { type Page, type PageRequest, pageLimit, pageOf } from "@gov/service-kit";
import { categories } from "../application/handlers.ts";
import {
  type ClockView,
  type FeedbackView,
  type FindingView,
  type PushView,
  type RatingView,
  SupervisionModel,
  type VerificationView,
} from "./supervision.ts";

/**
 * Review-and-monitor's read model in SQL (docs/projections.md, docs/review-and-monitor.md): one table `items`, a row
 * per rating, loop, clock, finding, inspection, push and verification task, the view as JSON plus the columns the
 * lists, the scheduler and the KPIs filter on. Each event is folded by the same code as the in-memory model
 * (`SupervisionModel`, still the pure fold a rebuild from the log is compared with): the rows the event concerns are
 * read into a scratch model, the event applied, the rows written back — in the page's transaction, with the
 * checkpoint. A change to the table or to what is written is a new version (blue/green).
 */
export const SUPERVISION_PROJECTION = "review_supervision";

type Data = ReviewAndMonitorEventData;
type Name = keyof Data;
type Kind = "rating" | "feedback" | "clock" | "finding" | "inspection" | "push" | "verification";
const maps = {
  rating: "ratings",
  feedback: "feedback",
  clock: "clocks",
  finding: "findings",
  inspection: "inspections",
  push: "pushes",
  verification: "verifications",
} as const satisfies Record<Kind, keyof SupervisionModel>;

const ddl = (t: (n: string) => string) => `
  CREATE TABLE ${t("items")} (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    department TEXT NOT NULL,
    department2 TEXT,
    status TEXT,
    sub TEXT,
    on_date TEXT,
    due_on TEXT,
    yellow INTEGER NOT NULL,
    red INTEGER NOT NULL,
    ever INTEGER NOT NULL,
    view TEXT NOT NULL,
    PRIMARY KEY (kind, id)
  );
  CREATE INDEX ${t("by_department")} ON ${t("items")} (kind, department, id);
  CREATE INDEX ${t("by_status")} ON ${t("items")} (kind, status, id);
  CREATE INDEX ${t("by_date")} ON ${t("items")} (kind, on_date);
  CREATE INDEX ${t("by_department2")} ON ${t("items")} (kind, department2, on_date) WHERE department2 IS NOT NULL;
  CREATE INDEX ${t("warned")} ON ${t("items")} (department, id) WHERE kind = 'clock' AND ever > 0;
`;

const nameOf = new Map<string, Name>(
  Object.entries(reviewAndMonitorEventTypes).map(([name, wire]) => [wire, name as Name]),
);

/** The rows an event concerns (read before it is folded, written after). */
function rowsOf(event: RecordedEvent): [Kind, string][] {
  const name = nameOf.get(event.type);
  const d = event.data as Record<string, string>;
  switch (name) {
    case "RatingSubmitted":
    case "RatingChangeRefused":
      return [["rating", d.ratingId as string]];
    case "FeedbackOpened":
    case "FeedbackStepDone":
    case "FeedbackReopened":
    case "MaliciousRatingAppealed":
      return [["feedback", d.feedbackId as string]];
    case "MaliciousRatingAppealDecided":
      return [
        ["feedback", d.feedbackId as string],
        ["rating", d.ratingId as string],
      ];
    case "ClockStarted":
    case "ClockStopped":
    case "DeadlineWarningRaised":
    case "DeadlineWarningCleared":
    case "HandlingUrged":
      return [["clock", d.clockId as string]];
    case "ViolationFound":
    case "MeasureRequested":
    case "PenaltyDecided":
      return [["finding", d.findingId as string]];
    case "InspectionRecorded":
      return [["inspection", d.inspectionId as string]];
    case "PushReceived":
    case "PushClaimed":
    case "PushOverdue":
      return [["push", d.pushId as string]];
    case "PromiseVerificationOpened":
    case "PromiseVerificationConcluded":
      return [
        ["verification", d.verificationId as string],
        ["clock", `verify.${d.verificationId}`],
      ];
    default:
      return [];
  }
}

/** The columns of a row, from its view. */
function columns(kind: Kind, v: never): SqlValue[] {
  const none = { department2: null, status: null, sub: null, onDate: null, dueOn: null, y: 0, r: 0, ever: 0 };
  const c = ((): typeof none & { department: string } => {
    switch (kind) {
      case "rating": {
        const r = v as RatingView;
        return { ...none, department: r.department.creditCode, onDate: r.ratedOn } as never;
      }
      case "feedback": {
        const f = v as FeedbackView;
        return {
          ...none,
          department: f.department.creditCode,
          status: f.status,
          sub: f.kind,
          onDate: f.openedOn,
        } as never;
      }
      case "clock": {
        const c = v as ClockView;
        return {
          ...none,
          department: c.department.creditCode,
          status: c.status,
          sub: c.kind,
          dueOn: c.dueOn,
          y: c.warnings.some((w) => w.level === "yellow") ? 1 : 0,
          r: c.warnings.some((w) => w.level === "red") ? 1 : 0,
          ever: c.raisedEver.length,
        } as never;
      }
      case "finding": {
        const f = v as FindingView;
        return { ...none, department: f.department.creditCode, onDate: f.foundOn } as never;
      }
      case "inspection": {
        const i = v as Data["InspectionRecorded"];
        return { ...none, department: i.department.creditCode } as never;
      }
      case "push": {
        const p = v as PushView;
        return {
          ...none,
          department: p.supervisingDepartment.creditCode,
          department2: p.approvingDepartment.creditCode,
          status: p.status,
          sub: p.overdue ? "overdue" : null,
          onDate: p.decision?.decidedOn ?? null,
        } as never;
      }
      case "verification": {
        const x = v as VerificationView;
        return {
          ...none,
          department: x.department.creditCode,
          status: x.status,
          onDate: x.openedOn,
          dueOn: x.dueOn ?? null,
        } as never;
      }
    }
  })();
  return [c.department, c.department2, c.status, c.sub, c.onDate, c.dueOn, c.y, c.r, c.ever];
}

async function fold(event: RecordedEvent, { tx, t }: ProjectionContext): Promise<void> {
  const keys = rowsOf(event);
  if (keys.length === 0) return;
  const scratch = new SupervisionModel();
  for (const [kind, id] of keys) {
    const row = await tx.get<{ view: string }>(`SELECT view FROM ${t("items")} WHERE kind = ? AND id = ?`, [
      kind,
      id,
    ]);
    if (row) (scratch[maps[kind]] as Map<string, unknown>).set(id, JSON.parse(row.view));
  }
  scratch.apply(event);
  for (const [kind, id] of keys) {
    const view = (scratch[maps[kind]] as Map<string, unknown>).get(id);
    if (view === undefined) continue;
    await tx.run(
      `INSERT INTO ${t("items")}
         (kind, id, department, department2, status, sub, on_date, due_on, yellow, red, ever, view)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, id) DO UPDATE SET department = excluded.department,
         department2 = excluded.department2, status = excluded.status, sub = excluded.sub,
         on_date = excluded.on_date, due_on = excluded.due_on, yellow = excluded.yellow, red = excluded.red,
         ever = excluded.ever, view = excluded.view`,
      [kind, id, ...columns(kind, view as never), JSON.stringify(view)],
    );
  }
}

export const supervisionProjection: Projection = {
  name: SUPERVISION_PROJECTION,
  version: 1,
  categories,
  migrations: [{ sqlite: ddl, postgres: ddl }],
  handlers: Object.fromEntries(Object.values(reviewAndMonitorEventTypes).map((type) => [type, fold])),
};

/** The lists' filters: a department (an officer's own), and per list a status, kind or level. */
export interface ItemFilter {
  department?: string;
  status?: string;
  sub?: string;
}

/**
 * The queries the routes, the scheduler and the KPIs ask, against whichever build is active. Lists come in the
 * order of their ids; the KPIs read only the rows of their period and department.
 */
export class SqlSupervision {
  readonly #p: ProjectionHandle;
  constructor(projection: ProjectionHandle) {
    this.#p = projection;
  }

  async #one<T>(kind: Kind, id: string): Promise<T | undefined> {
    const row = await this.#p.read(({ db, t }) =>
      db.get<{ view: string }>(`SELECT view FROM ${t("items")} WHERE kind = ? AND id = ?`, [kind, id]),
    );
    return row ? (JSON.parse(row.view) as T) : undefined;
  }

  async #list<T>(kind: Kind, where: string[] = [], params: SqlValue[] = []): Promise<T[]> {
    const rows = await this.#p.read(({ db, t }) =>
      db.all<{ view: string }>(
        `SELECT view FROM ${t("items")} WHERE ${["kind = ?", ...where].join(" AND ")} ORDER BY id`,
        [kind, ...params],
      ),
    );
    return rows.map((r) => JSON.parse(r.view) as T);
  }

  /** One page of a list, in id order after the cursor's id (keyset: the indexes end in `id`). */
  async #page<T>(
    kind: Kind,
    page: PageRequest,
    where: string[] = [],
    params: SqlValue[] = [],
  ): Promise<Page<T>> {
    const limit = pageLimit(page);
    const after = page.after?.[0];
    const conditions = ["kind = ?", ...where, ...(after === undefined ? [] : ["id > ?"])];
    const rows = await this.#p.read(({ db, t }) =>
      db.all<{ id: string; view: string }>(
        `SELECT id, view FROM ${t("items")} WHERE ${conditions.join(" AND ")} ORDER BY id LIMIT ?`,
        [kind, ...params, ...(after === undefined ? [] : [String(after)]), limit + 1],
      ),
    );
    return pageOf(
      rows,
      limit,
      (r) => [r.id],
      (r) => JSON.parse(r.view) as T,
    );
  }

  #filter(f: ItemFilter, departmentColumn = "department") {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (f.department) where.push(`${departmentColumn} = ?`) && params.push(f.department);
    if (f.status) where.push("status = ?") && params.push(f.status);
    if (f.sub) where.push("sub = ?") && params.push(f.sub);
    return [where, params] as const;
  }

  rating = (id: string) => this.#one<RatingView>("rating", id);
  feedbackLoop = (id: string) => this.#one<FeedbackView>("feedback", id);
  clock = (id: string) => this.#one<ClockView>("clock", id);
  push = (id: string) => this.#one<PushView>("push", id);
  finding = (id: string) => this.#one<FindingView>("finding", id);
  verification = (id: string) => this.#one<VerificationView>("verification", id);

  // The lists the routes serve, a page at a time (`page`: limit and cursor; default the first 50).
  ratings = (f: ItemFilter = {}, page: PageRequest = {}) =>
    this.#page<RatingView>("rating", page, ...this.#filter(f));
  feedback = (f: ItemFilter = {}, page: PageRequest = {}) =>
    this.#page<FeedbackView>("feedback", page, ...this.#filter(f));
  findings = (f: ItemFilter = {}, page: PageRequest = {}) =>
    this.#page<FindingView>("finding", page, ...this.#filter(f));
  verifications = (f: ItemFilter = {}, page: PageRequest = {}) =>
    this.#page<VerificationView>("verification", page, ...this.#filter(f));

  /** Pushes of a supervising department; `overdue`: unclaimed past their date (escalated). */
  pushes(f: { department?: string; status?: "pending" | "claimed" | "overdue" }, page: PageRequest = {}) {
    const [where, params] = this.#filter({
      ...(f.department ? { department: f.department } : {}),
      ...(f.status ? { status: f.status === "overdue" ? "pending" : f.status } : {}),
    });
    if (f.status === "overdue") where.push("sub = 'overdue'");
    return this.#page<PushView>("push", page, where, params);
  }

  /** Running clocks with a warning, by department and level. */
  warnings(f: { department?: string; level?: "yellow" | "red" }, page: PageRequest = {}) {
    const [where, params] = this.#filter({ ...(f.department ? { department: f.department } : {}) });
    where.push("status = 'running'", f.level ? `${f.level} = 1` : "(yellow = 1 OR red = 1)");
    return this.#page<ClockView>("clock", page, where, params);
  }

  /** Running clocks past their deadline on `today` (whether or not the scheduler has looked yet). */
  overdue(today: string, department?: string, page: PageRequest = {}) {
    const [where, params] = this.#filter({ ...(department ? { department } : {}) });
    where.push("status = 'running'", "due_on < ?");
    return this.#page<ClockView>("clock", page, where, [...params, today]);
  }

  /** What the scheduler looks at: running clocks (verification tasks included) and pushes not yet overdue. */
  async scheduled(): Promise<{ clocks: ClockView[]; pushes: PushView[] }> {
    return {
      clocks: await this.#list<ClockView>("clock", ["status = 'running'"]),
      pushes: await this.#list<PushView>("push", ["status = 'pending'", "sub IS NULL"]),
    };
  }

  /**
   * The rows the KPIs of a period and department count, as a model `computeKpis` reads: ratings, loops and
   * verification tasks by their date and department, decisions by decision date and approving department, and the
   * clocks that ever raised a warning (their warnings' dates are filtered by `computeKpis`).
   */
  async forKpis(f: { from?: string; to?: string; department?: string }): Promise<SupervisionModel> {
    const m = new SupervisionModel();
    const period = (column: string) => {
      const where: string[] = [];
      const params: SqlValue[] = [];
      if (f.from) where.push(`${column} >= ?`) && params.push(f.from);
      if (f.to) where.push(`${column} <= ?`) && params.push(f.to);
      return [where, params] as const;
    };
    const scoped = async <T>(kind: Kind, departmentColumn = "department") => {
      const [w1, p1] = this.#filter(
        { ...(f.department ? { department: f.department } : {}) },
        departmentColumn,
      );
      const [w2, p2] = period("on_date");
      return this.#list<T>(kind, [...w1, ...w2], [...p1, ...p2]);
    };
    for (const r of await scoped<RatingView>("rating")) m.ratings.set(r.ratingId, r);
    for (const l of await scoped<FeedbackView>("feedback")) m.feedback.set(l.feedbackId, l);
    for (const v of await scoped<VerificationView>("verification")) m.verifications.set(v.verificationId, v);
    for (const p of await scoped<PushView>("push", "department2")) m.pushes.set(p.pushId, p);
    const [w, p] = this.#filter({ ...(f.department ? { department: f.department } : {}) });
    for (const c of await this.#list<ClockView>("clock", [...w, "ever > 0"], p)) m.clocks.set(c.clockId, c);
    return m;
  }

  /** Every row, as the in-memory model (tests compare it with a fold of the log). */
  async all(): Promise<SupervisionModel> {
    const m = new SupervisionModel();
    for (const kind of Object.keys(maps) as Kind[])
      for (const row of await this.#p.read(({ db, t }) =>
        db.all<{ id: string; view: string }>(`SELECT id, view FROM ${t("items")} WHERE kind = ?`, [kind]),
      ))
        (m[maps[kind]] as Map<string, unknown>).set(row.id, JSON.parse(row.view));
    return m;
  }
}
