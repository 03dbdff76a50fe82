import { approvalEventTypes } from "@gov/contracts";
import type { RecordedEvent } from "@gov/eventsourcing";
import {
  insertRows,
  type Projection,
  type ProjectionContext,
  selectIn,
} from "@gov/eventsourcing/projections";
import { type CaseState, evolveCase, initialCaseState } from "../domain/case/case.ts";
import { evolvePermit, initialPermitState, type PermitState } from "../domain/permit/permit.ts";
import { approvalFold, inInbox, openedCase } from "./views.ts";

/**
 * Approval's read model in SQL (docs/projections.md, docs/approval.md): cases and permits kept in the projection
 * database beside the event store, following the log from a checkpoint written in the same transaction as the rows,
 * never rebuilt on start. Each case and permit is folded with the deciders' own `evolve` (the same fold as the
 * in-memory `ApprovalModel`), and its state stored as JSON beside the columns the routes filter and sort on:
 *
 * - `cases`: one row per case — `department` and `in_inbox` (open, with a step to work) for a department's inbox,
 *   `bundle_application_id` and `seq` (first-seen order) for a bundle's progress, the case number and the
 *   applicant's subject id;
 * - `permits`: one row per permit (its certificates, deliveries, changes and revocation proposals);
 * - `certificates`: each certificate number (every version) → its permit, for the certificate views and verify;
 * - `holders`: each holder's permits in the order their first certificate to that holder was issued.
 *
 * The inbox's order (least working days left first) depends on the day it is asked and on the calendar, so it is
 * computed when read, over the department's open cases only (the `inbox` index).
 *
 * Version 1. A change to the tables or to what the page handler writes is a new version: it builds beside this one
 * and takes over when it has caught up (blue/green).
 */
export const APPROVAL_PROJECTION = "approval_cases";

const ddl = (t: (n: string) => string, big: string) => `
  CREATE TABLE ${t("cases")} (
    case_id TEXT PRIMARY KEY,
    seq ${big} NOT NULL,
    status TEXT NOT NULL,
    department TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    case_number TEXT NOT NULL,
    bundle_application_id TEXT,
    in_inbox INTEGER NOT NULL,
    state TEXT NOT NULL
  );
  CREATE UNIQUE INDEX ${t("cases_seq")} ON ${t("cases")} (seq);
  CREATE INDEX ${t("inbox")} ON ${t("cases")} (department) WHERE in_inbox = 1;
  CREATE INDEX ${t("bundle")} ON ${t("cases")} (bundle_application_id, seq) WHERE bundle_application_id IS NOT NULL;
  CREATE TABLE ${t("permits")} (
    permit_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    state TEXT NOT NULL
  );
  CREATE TABLE ${t("certificates")} (
    certificate_no TEXT PRIMARY KEY,
    permit_id TEXT NOT NULL
  );
  CREATE TABLE ${t("holders")} (
    subject_id TEXT NOT NULL,
    permit_id TEXT NOT NULL,
    seq ${big} NOT NULL,
    PRIMARY KEY (subject_id, permit_id)
  );
  CREATE INDEX ${t("holders_seq")} ON ${t("holders")} (subject_id, seq);
  CREATE INDEX ${t("holders_permit")} ON ${t("holders")} (permit_id);
`;

const pair = (subjectId: string, permitId: string) => JSON.stringify([subjectId, permitId]);

/**
 * Applies a page of approval's events (or one event: the handlers) inside the page's transaction: the page's case and
 * permit rows are read in one query each, folded in memory in log order, and written back with multi-row
 * statements. New cases and holder entries are numbered in the order they first appear in the log.
 */
async function applyPage(events: readonly RecordedEvent[], { tx, t }: ProjectionContext): Promise<void> {
  const folds = events.map(approvalFold).filter((f) => f !== undefined);
  if (folds.length === 0) return;
  const cases = new Map<string, { seq?: number; state: CaseState }>();
  const permits = new Map<string, PermitState>();
  const caseIds = folds.filter((f) => f.kind === "case").map((f) => f.id);
  const permitIds = folds.filter((f) => f.kind === "permit").map((f) => f.id);
  for (const r of await selectIn<{ case_id: string; seq: number | string; state: string }>(
    tx,
    `SELECT case_id, seq, state FROM ${t("cases")} WHERE case_id IN`,
    caseIds,
  ))
    cases.set(r.case_id, { seq: Number(r.seq), state: JSON.parse(r.state) as CaseState });
  for (const r of await selectIn<{ permit_id: string; state: string }>(
    tx,
    `SELECT permit_id, state FROM ${t("permits")} WHERE permit_id IN`,
    permitIds,
  ))
    permits.set(r.permit_id, JSON.parse(r.state) as PermitState);
  const held = new Set(
    (
      await selectIn<{ subject_id: string; permit_id: string }>(
        tx,
        `SELECT subject_id, permit_id FROM ${t("holders")} WHERE permit_id IN`,
        permitIds,
      )
    ).map((r) => pair(r.subject_id, r.permit_id)),
  );
  const newCases: string[] = [];
  const touchedCases = new Set<string>();
  const touchedPermits = new Set<string>();
  const certificates = new Map<string, string>();
  const newHolders = new Map<string, [string, string]>();
  for (const f of folds) {
    if (f.kind === "case") {
      const entry = cases.get(f.id);
      const next = evolveCase(entry?.state ?? initialCaseState(), f.event);
      if (entry) entry.state = next;
      else {
        cases.set(f.id, { state: next });
        newCases.push(f.id);
      }
      touchedCases.add(f.id);
    } else {
      permits.set(f.id, evolvePermit(permits.get(f.id) ?? initialPermitState(), f.event));
      touchedPermits.add(f.id);
      if (f.event.type === "CertificateIssued") {
        certificates.set(f.event.data.certificateNo, f.id);
        const key = pair(f.event.data.holder.subjectId, f.id);
        if (!held.has(key) && !newHolders.has(key))
          newHolders.set(key, [f.event.data.holder.subjectId, f.id]);
      }
    }
  }
  const opened = newCases.filter((id) => openedCase(cases.get(id)?.state) !== undefined);
  if (opened.length > 0) {
    const last = await tx.get<{ n: number | string | null }>(`SELECT MAX(seq) AS n FROM ${t("cases")}`);
    let seq = Number(last?.n ?? 0);
    for (const id of opened) (cases.get(id) as { seq?: number }).seq = ++seq;
  }
  const caseRows = [...touchedCases].flatMap((id) => {
    const entry = cases.get(id);
    const c = openedCase(entry?.state);
    if (!entry || !c || entry.seq === undefined) return [];
    return [
      [
        id,
        entry.seq,
        c.status,
        c.opened.matter.department.creditCode,
        c.opened.applicant.subjectId,
        c.opened.caseNumber,
        c.opened.bundleApplicationId ?? null,
        inInbox(c) ? 1 : 0,
        JSON.stringify(c),
      ],
    ];
  });
  await insertRows(
    tx,
    t("cases"),
    [
      "case_id",
      "seq",
      "status",
      "department",
      "subject_id",
      "case_number",
      "bundle_application_id",
      "in_inbox",
      "state",
    ],
    caseRows,
    `ON CONFLICT (case_id) DO UPDATE SET status = excluded.status, in_inbox = excluded.in_inbox,
       state = excluded.state`,
  );
  const permitRows = [...touchedPermits].flatMap((id) => {
    const p = permits.get(id);
    return p && "exists" in p ? [[id, p.status, JSON.stringify(p)]] : [];
  });
  await insertRows(
    tx,
    t("permits"),
    ["permit_id", "status", "state"],
    permitRows,
    "ON CONFLICT (permit_id) DO UPDATE SET status = excluded.status, state = excluded.state",
  );
  await insertRows(
    tx,
    t("certificates"),
    ["certificate_no", "permit_id"],
    [...certificates.entries()],
    "ON CONFLICT (certificate_no) DO UPDATE SET permit_id = excluded.permit_id",
  );
  if (newHolders.size > 0) {
    const last = await tx.get<{ n: number | string | null }>(`SELECT MAX(seq) AS n FROM ${t("holders")}`);
    let seq = Number(last?.n ?? 0);
    await insertRows(
      tx,
      t("holders"),
      ["subject_id", "permit_id", "seq"],
      [...newHolders.values()].map(([subject, permit]) => [subject, permit, ++seq]),
    );
  }
}

const applyOne = (event: RecordedEvent, ctx: ProjectionContext) => applyPage([event], ctx);

/** The projection: every approval event type folds into its case's or permit's row (a page at a time). */
export const approvalProjection: Projection = {
  name: APPROVAL_PROJECTION,
  version: 1,
  categories: ["case", "permit"],
  migrations: [{ sqlite: (t) => ddl(t, "INTEGER"), postgres: (t) => ddl(t, "BIGINT") }],
  handlers: Object.fromEntries(Object.values(approvalEventTypes).map((type) => [type, applyOne])),
  applyPage,
};
