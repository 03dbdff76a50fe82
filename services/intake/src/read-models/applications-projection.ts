import { intakeEventTypes } from "@gov/contracts";
import type { RecordedEvent } from "@gov/eventsourcing";
import {
  insertRows,
  type Projection,
  type ProjectionContext,
  runIn,
  type SqlValue,
  selectIn,
} from "@gov/eventsourcing/projections";
import {
  type ApplicationEntry,
  type ApplicationView,
  applicationIdOf,
  applyApplicationEvent,
} from "./applications.ts";

/**
 * Intake's applications read model in SQL (docs/projections.md): the read model that grows with every application,
 * kept in the projection database instead of memory and not rebuilt on start. Its tables are shaped for the routes:
 *
 * - `applications`: one row per application, the view as JSON plus the columns the routes filter and sort on —
 *   the window's queue (`queued`, `prio` 0 for the green channel, `received_on`, `seq` = first-seen order, by
 *   region or department), the case number, the applicant's subject id, the bundle, and the scheduler's `due` action with the first day it can apply (`due_on`);
 * - `kpi`: applications received per department, region and channel (一窗分类受理率 without scanning every row);
 * - `departments`: each implementing department as first seen (the KPI's department reference);
 * - `awaits`: which case waits for which bundle member's result.
 *
 * Version 2 (1 had no `due_on`). A change to the tables or to what the handler writes is a new version: it builds beside this one
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
    due_on TEXT,
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
  CREATE INDEX ${t("due")} ON ${t("applications")} (due_on, seq) WHERE due IS NOT NULL;
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

/** A China date (YYYY-MM-DD) plus `days` calendar days. */
const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The first day the scheduler's action can apply, so that a run reads only those rows (the `due` index) instead
 * of every application waiting:
 * - deemed acceptance (行政许可法 第三十二条) comes after 5 working days from receipt, and 5 working days are at least
 *   5 calendar days, so never before receipt + 6 days (the decider, with the calendar, decides the exact day);
 * - 容缺 termination comes the day after `supplyBy`.
 */
const dueOnOf = (v: ApplicationView): string | null => {
  const due = dueOf(v);
  if (due === "DeemAccepted") return plusDays(v.receivedOn, 6);
  if (due === "TerminateUnsupplied") {
    const by = v.accepted?.deferred?.supplyBy;
    return by ? plusDays(by, 1) : null;
  }
  return null;
};

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
       prio, received_on, queued, due, due_on, case_number, subject_id, state, view)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (application_id) DO UPDATE SET status = excluded.status, queued = excluded.queued,
       due = excluded.due, due_on = excluded.due_on, case_number = excluded.case_number, state = excluded.state, view = excluded.view`,
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
      dueOnOf(v),
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

const rowColumns = [
  "application_id",
  "seq",
  "bundle_application_id",
  "status",
  "region",
  "department",
  "channel",
  "prio",
  "received_on",
  "queued",
  "due",
  "due_on",
  "case_number",
  "subject_id",
  "state",
  "view",
];

const rowValues = (id: string, seq: number, entry: ApplicationEntry): SqlValue[] => {
  const v = entry.view;
  return [
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
    dueOnOf(v),
    v.accepted?.caseNumber ?? null,
    v.applicant.subjectId,
    JSON.stringify(entry.state),
    JSON.stringify(v),
  ];
};

/**
 * A page at a time, the same tables as `applyToRow` event by event (a test holds them equal): the page's rows are
 * read in one query, folded in memory, and written back with multi-row statements — a handful of round trips a
 * page instead of three to five an event, which is what PostgreSQL's catch-up was bound by.
 */
async function applyPage(events: readonly RecordedEvent[], { tx, t }: ProjectionContext): Promise<void> {
  const touched = new Map<
    string,
    { seq: number; loaded: boolean; awaitedBefore: boolean; entry: ApplicationEntry | undefined }
  >();
  const ids = events.map(applicationIdOf).filter((id): id is string => id !== undefined);
  const rows = await selectIn<Row & { application_id: string }>(
    tx,
    `SELECT application_id, seq, state, view FROM ${t("applications")} WHERE application_id IN`,
    ids,
  );
  for (const r of rows) {
    const view = JSON.parse(r.view) as ApplicationView;
    touched.set(r.application_id, {
      seq: Number(r.seq),
      loaded: true,
      awaitedBefore: view.awaiting.length > 0,
      entry: { state: JSON.parse(r.state), view },
    });
  }
  let lastSeq: number | undefined;
  const kpi = new Map<string, { department: string; region: string; channel: string; n: number }>();
  const departments = new Map<string, string>();
  for (const recorded of events) {
    const id = applicationIdOf(recorded);
    if (id === undefined) continue;
    const current = touched.get(id);
    const next = applyApplicationEvent(current?.entry, recorded);
    if (!next) continue;
    if (current?.entry) {
      current.entry = next;
      continue;
    }
    if (lastSeq === undefined) {
      const last = await tx.get<{ n: number | string | null }>(
        `SELECT MAX(seq) AS n FROM ${t("applications")}`,
      );
      lastSeq = Number(last?.n ?? 0);
    }
    lastSeq += 1;
    touched.set(id, { seq: lastSeq, loaded: false, awaitedBefore: false, entry: next });
    const v = next.view;
    const key = JSON.stringify([v.matter.department.creditCode, v.matter.region, v.channel]);
    const k = kpi.get(key);
    if (k) k.n += 1;
    else
      kpi.set(key, {
        department: v.matter.department.creditCode,
        region: v.matter.region,
        channel: v.channel,
        n: 1,
      });
    if (!departments.has(v.matter.department.creditCode))
      departments.set(v.matter.department.creditCode, JSON.stringify(v.matter.department));
  }
  const written = [...touched.entries()].filter(
    (e): e is [string, (typeof e)[1] & { entry: ApplicationEntry }] => e[1].entry !== undefined,
  );
  if (written.length === 0) return;
  await insertRows(
    tx,
    t("kpi"),
    ["department", "region", "channel", "n"],
    [...kpi.values()].map((k) => [k.department, k.region, k.channel, k.n]),
    `ON CONFLICT (department, region, channel) DO UPDATE SET n = ${t("kpi")}.n + excluded.n`,
  );
  await insertRows(
    tx,
    t("departments"),
    ["code", "ref"],
    [...departments.entries()].map(([code, ref]) => [code, ref]),
    "ON CONFLICT (code) DO NOTHING",
  );
  await insertRows(
    tx,
    t("applications"),
    rowColumns,
    written.map(([id, w]) => rowValues(id, w.seq, w.entry)),
    `ON CONFLICT (application_id) DO UPDATE SET status = excluded.status, queued = excluded.queued,
       due = excluded.due, due_on = excluded.due_on, case_number = excluded.case_number, state = excluded.state,
       view = excluded.view`,
  );
  const awaiting = written.filter(([, w]) => w.awaitedBefore || w.entry.view.awaiting.length > 0);
  await runIn(
    tx,
    `DELETE FROM ${t("awaits")} WHERE application_id IN`,
    awaiting.filter(([, w]) => w.loaded).map(([id]) => id),
  );
  await insertRows(
    tx,
    t("awaits"),
    ["application_id", "material_id", "producer_application_id", "producer_matter_id", "seq"],
    awaiting.flatMap(([id, w]) =>
      w.entry.view.awaiting.map((a) => [
        id,
        a.materialId,
        a.producedBy.applicationId,
        a.producedBy.matterId,
        w.seq,
      ]),
    ),
  );
}

/** The projection: every application event type folds into the application's row (a page at a time). */
export const applicationsProjection: Projection = {
  name: APPLICATIONS_PROJECTION,
  version: 2,
  categories: ["application"],
  migrations: [{ sqlite: (t) => ddl(t, "INTEGER"), postgres: (t) => ddl(t, "BIGINT") }],
  handlers: Object.fromEntries(
    Object.values(intakeEventTypes)
      .filter((type) => type !== intakeEventTypes.CaseNumberAllocated)
      .map((type) => [type, applyToRow]),
  ),
  applyPage,
};
