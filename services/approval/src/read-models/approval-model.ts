import type { RecordedEvent } from "@gov/eventsourcing";
import { caseTypes, permitTypes } from "../application/streams.ts";
import { type CaseFile, type CaseState, evolveCase, initialCaseState } from "../domain/case/case.ts";
import { type ClockView, clockAt, type WorkingDays } from "../domain/case/clock.ts";
import { evolvePermit, initialPermitState, type Permit, type PermitState } from "../domain/permit/permit.ts";

export interface InboxItem {
  caseId: string;
  caseNumber: string;
  matterName: string;
  step: { index: number; name: string; status: string; officerId?: string };
  clock: ClockView;
  greenChannel: boolean;
  strictReview: boolean;
}

export interface CaseView {
  caseId: string;
  status: "open" | "decided" | "closed";
  caseNumber: string;
  bundleApplicationId?: string;
  matter: CaseFile["opened"]["matter"];
  applicant: CaseFile["opened"]["applicant"];
  acceptanceMode: string;
  acceptedOn: string;
  credit: CaseFile["opened"]["credit"];
  steps: CaseFile["steps"];
  procedures: CaseFile["procedures"];
  clock: ClockView;
  extension?: CaseFile["extension"];
  autoApproval?: CaseFile["autoApproval"];
  decision?: CaseFile["decision"];
  certificate?: CaseFile["certificate"];
  certificateDue?: { dueOn: string; met?: boolean };
  closed?: CaseFile["closed"];
}

/**
 * Approval's read model, fed from its own log (categories `case` and `permit`) by the shared memory read-model
 * mechanism: each case and permit folded with the deciders' own `evolve`, so the views cannot disagree with
 * the rules. The clock is computed when read, at the caller's date, on the published calendar.
 */
export class ApprovalModel {
  readonly cases = new Map<string, CaseState>();
  readonly permits = new Map<string, PermitState>();
  readonly #byHolder = new Map<string, Set<string>>();
  readonly #certificates = new Map<string, string>();

  apply(event: RecordedEvent): void {
    const c = caseTypes.toDomain(event);
    if (c && event.subject.startsWith("case-")) {
      const id = (c.data as { caseId: string }).caseId;
      this.cases.set(id, evolveCase(this.cases.get(id) ?? initialCaseState(), c));
      return;
    }
    const p = permitTypes.toDomain(event);
    if (p && event.subject.startsWith("permit-")) {
      const id = (p.data as { permitId: string }).permitId;
      const next = evolvePermit(this.permits.get(id) ?? initialPermitState(), p);
      this.permits.set(id, next);
      if (p.type === "CertificateIssued") {
        this.#certificates.set(p.data.certificateNo, id);
        const holders = this.#byHolder.get(p.data.holder.subjectId) ?? new Set<string>();
        holders.add(id);
        this.#byHolder.set(p.data.holder.subjectId, holders);
      }
    }
  }

  caseFile(caseId: string): (CaseFile & { status: CaseView["status"] }) | undefined {
    const s = this.cases.get(caseId);
    return s && s.status !== "none" ? s : undefined;
  }

  view(caseId: string, calendar: WorkingDays, today: string): CaseView | undefined {
    const c = this.caseFile(caseId);
    if (!c) return undefined;
    const o = c.opened;
    const due = c.decision?.certificateDueOn;
    return {
      caseId,
      status: c.status,
      caseNumber: o.caseNumber,
      ...(o.bundleApplicationId ? { bundleApplicationId: o.bundleApplicationId } : {}),
      matter: o.matter,
      applicant: o.applicant,
      acceptanceMode: o.acceptanceMode,
      acceptedOn: o.acceptedOn,
      credit: o.credit,
      steps: c.steps,
      procedures: c.procedures,
      clock: clockAt(calendar, c, today),
      ...(c.extension ? { extension: c.extension } : {}),
      ...(c.autoApproval ? { autoApproval: c.autoApproval } : {}),
      ...(c.decision ? { decision: c.decision } : {}),
      ...(c.certificate ? { certificate: c.certificate } : {}),
      ...(due
        ? { certificateDue: { dueOn: due, ...(c.certificate ? { met: c.certificate.withinDeadline } : {}) } }
        : {}),
      ...(c.closed ? { closed: c.closed } : {}),
    };
  }

  /** A department's open steps, least time left first (a calendar problem first of all). */
  inbox(department: string, calendar: WorkingDays, today: string): InboxItem[] {
    const items: InboxItem[] = [];
    for (const s of this.cases.values()) {
      if (s.status !== "open" || s.opened.matter.department.creditCode !== department) continue;
      const step = s.steps.find((x) => x.status === "open" || x.status === "claimed");
      if (!step) continue;
      items.push({
        caseId: s.opened.caseId,
        caseNumber: s.opened.caseNumber,
        matterName: s.opened.matter.name,
        step: {
          index: step.index,
          name: step.name,
          status: step.status,
          ...(step.officerId ? { officerId: step.officerId } : {}),
        },
        clock: clockAt(calendar, s, today),
        greenChannel: s.opened.credit.greenChannel,
        strictReview: s.opened.credit.strictReview,
      });
    }
    const key = (i: InboxItem) => (i.clock.problem ? Number.NEGATIVE_INFINITY : i.clock.leftDays);
    return items.sort((a, b) => key(a) - key(b) || a.caseId.localeCompare(b.caseId));
  }

  /** A bundle's cases in parallel: complete (统一出件) once every case is decided; refusals shown, not blocking. */
  bundle(bundleApplicationId: string) {
    const cases = [...this.cases.values()].filter(
      (s): s is Exclude<CaseState, { status: "none" }> =>
        s.status !== "none" && s.opened.bundleApplicationId === bundleApplicationId,
    );
    if (cases.length === 0) return undefined;
    return {
      bundleApplicationId,
      complete: cases.every((c) => c.status === "decided"),
      cases: cases.map((c) => ({
        caseId: c.opened.caseId,
        matterId: c.opened.matter.matterId,
        matterName: c.opened.matter.name,
        department: c.opened.matter.department,
        status: c.status,
        ...(c.decision ? { outcome: c.decision.outcome } : {}),
        ...(c.certificate ? { certificateNo: c.certificate.certificateNo } : {}),
      })),
      refused: cases.filter((c) => c.decision?.outcome === "refused").map((c) => c.opened.caseId),
    };
  }

  permit(permitId: string): Permit | undefined {
    const p = this.permits.get(permitId);
    return p && "exists" in p ? p : undefined;
  }

  /** A certificate by its number, with its permit. */
  certificate(no: string) {
    const permitId = this.#certificates.get(no);
    const permit = permitId ? this.permit(permitId) : undefined;
    const certificate = permit?.certificates.find((c) => c.certificateNo === no);
    return permit && certificate ? { permit, certificate } : undefined;
  }

  /** A holder's certificates (the versions in force of each permit, and their status). */
  byHolder(subjectId: string) {
    return [...(this.#byHolder.get(subjectId) ?? [])].flatMap((id) => {
      const p = this.permit(id);
      if (!p) return [];
      const cur = p.certificates.at(-1);
      return cur
        ? [
            {
              permitId: id,
              status: p.status,
              certificateNo: cur.certificateNo,
              permitName: cur.permitName,
              validUntil: cur.validUntil,
            },
          ]
        : [];
    });
  }
}
