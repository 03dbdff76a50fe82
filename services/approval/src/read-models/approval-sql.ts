import type { ProjectionHandle } from "@gov/eventsourcing/projections";
import { type Page, type PageRequest, pageLimit, pageOf } from "@gov/service-kit";
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
  inboxPage(
    department: string,
    calendar: WorkingDays,
    today: string,
    page: PageRequest,
  ): Promise<Page<InboxItem>>;
  bundle(bundleApplicationId: string): Promise<BundleView | undefined>;
  permit(permitId: string): Promise<Permit | undefined>;
  certificate(no: string): Promise<{ permit: Permit; certificate: Certificate } | undefined>;
  byHolder(subjectId: string): Promise<HolderEntry[]>;
  byHolderPage(subjectId: string, page: PageRequest): Promise<Page<HolderEntry>>;
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

/** Where a case whose clock has a calendar problem sorts in the inbox: first (a cursor holds a number). */
const PROBLEM_FIRST = -1_000_000;
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

  /**
   * A page of a department's inbox in its order at `today` (least time left first, then case id). The order moves
   * from day to day, so the cursor is the last item's (days left, case id) and the page is cut from the ordered list
   * of the department's open cases: the answer is bounded, the read is the department's open cases.
   */
  async inboxPage(
    department: string,
    calendar: WorkingDays,
    today: string,
    page: PageRequest,
  ): Promise<Page<InboxItem>> {
    const all = await this.inbox(department, calendar, today);
    const key = (i: InboxItem): [number, string] => [
      i.clock.problem ? PROBLEM_FIRST : i.clock.leftDays,
      i.caseId,
    ];
    // Ordered by the cursor's own comparison (code points), so that a cursor cuts the list where its page ended.
    const compare = ([k1, id1]: [number, string], [k2, id2]: [number, string]) =>
      k1 - k2 || (id1 < id2 ? -1 : id1 > id2 ? 1 : 0);
    const ordered = [...all].sort((a, b) => compare(key(a), key(b)));
    const after = page.after as [number, string] | undefined;
    const rest = after ? ordered.filter((i) => compare(key(i), after) > 0) : ordered;
    return pageOf(rest, pageLimit(page), key, (i) => i);
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
    const rows = await this.#holderRows(subjectId);
    return rows.flatMap((r) => {
      const p = parsePermit(r);
      return p ? holderEntry(p) : [];
    });
  }

  /** One page of them: keyset on the order issued (the `holders_seq` index). */
  async byHolderPage(subjectId: string, page: PageRequest): Promise<Page<HolderEntry>> {
    const limit = pageLimit(page);
    const rows = await this.#holderRows(subjectId, { limit: limit + 1, after: page.after?.[0] as number });
    const shown = pageOf(
      rows,
      limit,
      (r) => [Number(r.seq)],
      (r) => r,
    );
    return {
      items: shown.items.flatMap((r) => {
        const p = parsePermit(r);
        return p ? holderEntry(p) : [];
      }),
      ...(shown.next ? { next: shown.next } : {}),
    };
  }

  #holderRows(subjectId: string, page?: { limit: number; after: number | undefined }) {
    const after = page?.after;
    return this.#p.read(({ db, t }) =>
      db.all<{ seq: number | string; state: string }>(
        `SELECT h.seq, p.state FROM ${t("holders")} h JOIN ${t("permits")} p ON p.permit_id = h.permit_id
         WHERE h.subject_id = ?${after === undefined ? "" : " AND h.seq > ?"} ORDER BY h.seq${page ? " LIMIT ?" : ""}`,
        [subjectId, ...(after === undefined ? [] : [after]), ...(page ? [page.limit] : [])],
      ),
    );
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
