import type { RecordedEvent } from "@gov/eventsourcing";
import { type CaseFile, type CaseState, evolveCase, initialCaseState } from "../domain/case/case.ts";
import type { WorkingDays } from "../domain/case/clock.ts";
import { evolvePermit, initialPermitState, type Permit, type PermitState } from "../domain/permit/permit.ts";
import { type ApprovalSnapshot, sortSnapshot } from "./approval-sql.ts";
import {
  approvalFold,
  bundleOf,
  type CaseView,
  caseView,
  certificateOf,
  existingPermit,
  holderEntry,
  inboxOf,
  type OpenedCase,
  openedCase,
} from "./views.ts";

export type { CaseView, InboxItem } from "./views.ts";

/**
 * Approval's read model folded in memory from its own log (categories `case` and `permit`), each case and permit
 * with the deciders' own `evolve`: what a rebuild from the log gives. The service answers its routes from the SQL
 * projection (`SqlApproval`, approval-sql.ts); this fold is the reference it is checked against (the
 * rebuild-equals-live tests, the crash test) and answers through the same view functions (views.ts).
 */
export class ApprovalModel {
  readonly cases = new Map<string, CaseState>();
  readonly permits = new Map<string, PermitState>();
  readonly #byHolder = new Map<string, Set<string>>();
  readonly #certificates = new Map<string, string>();

  apply(event: RecordedEvent): void {
    const f = approvalFold(event);
    if (f?.kind === "case") {
      this.cases.set(f.id, evolveCase(this.cases.get(f.id) ?? initialCaseState(), f.event));
    } else if (f?.kind === "permit") {
      this.permits.set(f.id, evolvePermit(this.permits.get(f.id) ?? initialPermitState(), f.event));
      if (f.event.type === "CertificateIssued") {
        this.#certificates.set(f.event.data.certificateNo, f.id);
        const holders = this.#byHolder.get(f.event.data.holder.subjectId) ?? new Set<string>();
        holders.add(f.id);
        this.#byHolder.set(f.event.data.holder.subjectId, holders);
      }
    }
  }

  caseFile(caseId: string): (CaseFile & { status: CaseView["status"] }) | undefined {
    return openedCase(this.cases.get(caseId));
  }

  view(caseId: string, calendar: WorkingDays, today: string): CaseView | undefined {
    const c = this.caseFile(caseId);
    return c && caseView(c, calendar, today);
  }

  /** A department's open steps, least time left first (a calendar problem first of all). */
  inbox(department: string, calendar: WorkingDays, today: string) {
    return inboxOf(this.cases.values(), department, calendar, today);
  }

  /** A bundle's cases in parallel: complete (统一出件) once every case is decided; refusals shown, not blocking. */
  bundle(bundleApplicationId: string) {
    const cases = [...this.cases.values()].filter(
      (s): s is OpenedCase => s.status !== "none" && s.opened.bundleApplicationId === bundleApplicationId,
    );
    return bundleOf(bundleApplicationId, cases);
  }

  permit(permitId: string): Permit | undefined {
    return existingPermit(this.permits.get(permitId));
  }

  /** A certificate by its number, with its permit. */
  certificate(no: string) {
    const permitId = this.#certificates.get(no);
    return certificateOf(permitId ? this.permit(permitId) : undefined, no);
  }

  /** A holder's certificates (the versions in force of each permit, and their status). */
  byHolder(subjectId: string) {
    return [...(this.#byHolder.get(subjectId) ?? [])].flatMap((id) => {
      const p = this.permit(id);
      return p ? holderEntry(p) : [];
    });
  }

  /** Every case (first seen first), permit, certificate and holder entry: what the SQL model must equal. */
  snapshot(): ApprovalSnapshot {
    return sortSnapshot({
      cases: [...this.cases.entries()].flatMap(([id, s]) => {
        const c = openedCase(s);
        return c ? [[id, c] as [string, OpenedCase]] : [];
      }),
      permits: [...this.permits.entries()].flatMap(([id, s]) => {
        const p = existingPermit(s);
        return p ? [[id, p] as [string, Permit]] : [];
      }),
      certificates: [...this.#certificates.entries()],
      holders: [...this.#byHolder.entries()].flatMap(([subject, ids]) =>
        [...ids].map((id) => [subject, id] as [string, string]),
      ),
    });
  }
}
