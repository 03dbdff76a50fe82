import type { ProjectionHandle } from "@gov/eventsourcing/projections";
import type { CaseState } from "../domain/case/case.ts";
import type { WorkingDays } from "../domain/case/clock.ts";
import type { Certificate, Permit, PermitState } from "../domain/permit/permit.ts";
import {
  type BundleView,
  bundleOf,
  type CaseView,
  caseView,
  certificateOf,
  existingPermit,
  type HolderEntry,
  holderEntry,
  type InboxItem,
  inboxOf,
  type OpenedCase,
  openedCase,
} from "./views.ts";

export { APPROVAL_PROJECTION, approvalProjection } from "./approval-projection.ts";

/** What approval's routes read (answered from the SQL projection). */
export interface ApprovalReads {
  caseFile(caseId: string): Promise<OpenedCase | undefined>;
  view(caseId: string, calendar: WorkingDays, today: string): Promise<CaseView | undefined>;
  inbox(department: string, calendar: WorkingDays, today: string): Promise<InboxItem[]>;
  bundle(bundleApplicationId: string): Promise<BundleView | undefined>;
  permit(permitId: string): Promise<Permit | undefined>;
  certificate(no: string): Promise<{ permit: Permit; certificate: Certificate } | undefined>;
  byHolder(subjectId: string): Promise<HolderEntry[]>;
}

/** Every row of the model, for the rebuild-equals-live checks (not for routes). */
export interface ApprovalSnapshot {
  /** Cases in the order first seen. */
  cases: [string, OpenedCase][];
  /** Permits by id. */
  permits: [string, Permit][];
  /** Certificate number → permit, by number. */
  certificates: [string, string][];
  /** Each holder's permits, by holder then in the order issued to them. */
  holders: [string, string][];
}

const parseCase = (r: { state: string } | undefined) =>
  r ? openedCase(JSON.parse(r.state) as CaseState) : undefined;
const parsePermit = (r: { state: string } | undefined) =>
  r ? existingPermit(JSON.parse(r.state) as PermitState) : undefined;

/**
 * Approval's queries against whichever build of the `approval_cases` projection is active (approval-projection.ts).
 * Each answers with the same view functions as the in-memory fold (views.ts): a case by id, a department's inbox
 * (its open cases only, through the `inbox` index), a bundle's cases, a permit, a certificate by number (any
 * version), a holder's certificates.
 */
export class SqlApproval implements ApprovalReads {
  readonly #p: ProjectionHandle;
  constructor(projection: ProjectionHandle) {
    this.#p = projection;
  }

  caseFile(caseId: string): Promise<OpenedCase | undefined> {
    return this.#p.read(async ({ db, t }) =>
      parseCase(
        await db.get<{ state: string }>(`SELECT state FROM ${t("cases")} WHERE case_id = ?`, [caseId]),
      ),
    );
  }

  async view(caseId: string, calendar: WorkingDays, today: string): Promise<CaseView | undefined> {
    const c = await this.caseFile(caseId);
    return c && caseView(c, calendar, today);
  }

  /** A department's open steps, least time left first: its open cases read through the index, ordered at `today`. */
  async inbox(department: string, calendar: WorkingDays, today: string): Promise<InboxItem[]> {
    const rows = await this.#p.read(({ db, t }) =>
      db.all<{ state: string }>(`SELECT state FROM ${t("cases")} WHERE department = ? AND in_inbox = 1`, [
        department,
      ]),
    );
    return inboxOf(
      rows.map((r) => JSON.parse(r.state) as CaseState),
      department,
      calendar,
      today,
    );
  }

  async bundle(bundleApplicationId: string): Promise<BundleView | undefined> {
    const rows = await this.#p.read(({ db, t }) =>
      db.all<{ state: string }>(
        `SELECT state FROM ${t("cases")} WHERE bundle_application_id = ? ORDER BY seq`,
        [bundleApplicationId],
      ),
    );
    return bundleOf(
      bundleApplicationId,
      rows.map(parseCase).filter((c) => c !== undefined),
    );
  }

  permit(permitId: string): Promise<Permit | undefined> {
    return this.#p.read(async ({ db, t }) =>
      parsePermit(
        await db.get<{ state: string }>(`SELECT state FROM ${t("permits")} WHERE permit_id = ?`, [permitId]),
      ),
    );
  }

  /** A certificate by its number (any version), with its permit. */
  certificate(no: string) {
    return this.#p.read(async ({ db, t }) =>
      certificateOf(
        parsePermit(
          await db.get<{ state: string }>(
            `SELECT p.state FROM ${t("certificates")} c JOIN ${t("permits")} p ON p.permit_id = c.permit_id
             WHERE c.certificate_no = ?`,
            [no],
          ),
        ),
        no,
      ),
    );
  }

  /** A holder's certificates (the version in force of each permit, and its status), in the order issued. */
  async byHolder(subjectId: string): Promise<HolderEntry[]> {
    const rows = await this.#p.read(({ db, t }) =>
      db.all<{ state: string }>(
        `SELECT p.state FROM ${t("holders")} h JOIN ${t("permits")} p ON p.permit_id = h.permit_id
         WHERE h.subject_id = ? ORDER BY h.seq`,
        [subjectId],
      ),
    );
    return rows.flatMap((r) => {
      const p = parsePermit(r);
      return p ? holderEntry(p) : [];
    });
  }

  snapshot(): Promise<ApprovalSnapshot> {
    return this.#p.read(async ({ db, t }) =>
      sortSnapshot({
        cases: (
          await db.all<{ case_id: string; state: string }>(
            `SELECT case_id, state FROM ${t("cases")} ORDER BY seq`,
          )
        ).map((r) => [r.case_id, parseCase(r) as OpenedCase]),
        permits: (
          await db.all<{ permit_id: string; state: string }>(`SELECT permit_id, state FROM ${t("permits")}`)
        ).map((r) => [r.permit_id, parsePermit(r) as Permit]),
        certificates: (
          await db.all<{ certificate_no: string; permit_id: string }>(
            `SELECT certificate_no, permit_id FROM ${t("certificates")}`,
          )
        ).map((r) => [r.certificate_no, r.permit_id]),
        holders: (
          await db.all<{ subject_id: string; permit_id: string }>(
            `SELECT subject_id, permit_id FROM ${t("holders")} ORDER BY seq`,
          )
        ).map((r) => [r.subject_id, r.permit_id]),
      }),
    );
  }
}

const byKey = <T>(a: [string, T], b: [string, T]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Sorted by key in code (not by the database's collation, which differs between SQLite and PostgreSQL); stable. */
export function sortSnapshot(s: ApprovalSnapshot): ApprovalSnapshot {
  return {
    cases: s.cases,
    permits: [...s.permits].sort(byKey),
    certificates: [...s.certificates].sort(byKey),
    holders: [...s.holders].sort(byKey),
  };
}
