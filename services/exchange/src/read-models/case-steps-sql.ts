import { chinaDate } from "@gov/calendar";
import { type CaseStepReported, caseStepReported, exchangeEventTypes } from "@gov/contracts";
import type { RecordedEvent } from "@gov/eventsourcing";
import type { Projection, ProjectionContext, ProjectionHandle } from "@gov/eventsourcing/projections";
import { currentReport } from "../application/reports.ts";

/** A reported row as the export gives it: the row, when it was reported, and its place in the feed. */
export type CaseStepReport = CaseStepReported & { reportedAt: string; seq: number };

/**
 * Every report of the feed, in the order the exchange service appended them (`seq`), filed under the day it was
 * reported (China time) for the daily export. A report is one event of the `casestep` streams: the page's rows
 * and the checkpoint commit together (docs/projections.md), so the export neither loses nor doubles one.
 */
export const caseStepsProjection: Projection = {
  name: "exchange_case_steps",
  // 2: the handlers also read gov.exchange.casestep.reported.v2 (领证); a deploy builds the export anew from the
  // log beside version 1, whose older replicas skip v2 rows (docs/exchange.md, "Versions").
  version: 2,
  categories: ["casestep"],
  migrations: [
    {
      sqlite: (t) => `
        CREATE TABLE ${t("reports")} (
          seq INTEGER PRIMARY KEY,
          event_id TEXT NOT NULL UNIQUE,
          row_id TEXT NOT NULL,
          version INTEGER NOT NULL,
          reported_on TEXT NOT NULL,
          reported_at TEXT NOT NULL,
          row_json TEXT NOT NULL,
          UNIQUE (row_id, version)
        );
        CREATE INDEX ${t("reports_by_day")} ON ${t("reports")} (reported_on, seq);`,
      postgres: (t) => `
        CREATE TABLE ${t("reports")} (
          seq BIGINT PRIMARY KEY,
          event_id TEXT NOT NULL UNIQUE,
          row_id TEXT NOT NULL,
          version INTEGER NOT NULL,
          reported_on TEXT NOT NULL,
          reported_at TEXT NOT NULL,
          row_json TEXT NOT NULL,
          UNIQUE (row_id, version)
        );
        CREATE INDEX ${t("reports_by_day")} ON ${t("reports")} (reported_on, seq);`,
    },
  ],
  handlers: {
    // Rows stored as v1 (before 领证) read as v2 through the upcaster; the table holds the row either way.
    [exchangeEventTypes.CaseStepReported]: (event, ctx) => insertReport(event, ctx),
    [exchangeEventTypes.CaseStepReportedV1]: (event, ctx) => insertReport(event, ctx),
  },
};

async function insertReport(event: RecordedEvent, { tx, t }: ProjectionContext): Promise<void> {
  const row = caseStepReported.parse(currentReport(event.type, event.data).data);
  const last = await tx.get<{ seq: number | string | null }>(`SELECT MAX(seq) AS seq FROM ${t("reports")}`);
  const seq = Number(last?.seq ?? 0) + 1;
  await tx.run(
    `INSERT INTO ${t("reports")} (seq, event_id, row_id, version, reported_on, reported_at, row_json)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [seq, event.id, row.rowId, row.version, chinaDate(event.time), event.time, JSON.stringify(row)],
  );
}

export interface ReportQuery {
  /** First and last day (China time, inclusive) the reports were made. */
  from: string;
  to: string;
  limit: number;
  /** The `seq` of the last report of the previous page. */
  after?: number;
}

/** The feed's reports, read from the projection's active build. */
export class SqlCaseSteps {
  readonly #projection: ProjectionHandle;
  constructor(projection: ProjectionHandle) {
    this.#projection = projection;
  }

  /** One page of reports made from `from` to `to`, in feed order; `next` when there are more. */
  page(q: ReportQuery): Promise<{ items: CaseStepReport[]; next?: number }> {
    return this.#projection.read(async ({ db, t }) => {
      const rows = await db.all<{ seq: number | string; reported_at: string; row_json: string }>(
        `SELECT seq, reported_at, row_json FROM ${t("reports")}
         WHERE reported_on >= ? AND reported_on <= ? AND seq > ?
         ORDER BY seq LIMIT ?`,
        [q.from, q.to, q.after ?? 0, q.limit + 1],
      );
      const items = rows.slice(0, q.limit).map((r) => ({
        ...(JSON.parse(r.row_json) as CaseStepReported),
        reportedAt: r.reported_at,
        seq: Number(r.seq),
      }));
      const last = items.at(-1);
      return rows.length > q.limit && last ? { items, next: last.seq } : { items };
    });
  }
}
