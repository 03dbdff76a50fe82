import type { RecordedEvent } from "@gov/eventsourcing";
import { caseTypes, permitTypes } from "../application/streams.ts";
import type { CaseEvent, CaseFile, CaseState } from "../domain/case/case.ts";
import {
  type ClockView,
  clockAt,
  type StepClock,
  stepClockAt,
  type WorkingDays,
} from "../domain/case/clock.ts";
import type { Permit, PermitEvent, PermitState } from "../domain/permit/permit.ts";

/**
 * What approval's read models show, as pure functions of the folded case and permit states: the in-memory fold
 * (`ApprovalModel`, a rebuild from the log) and the SQL projection (`SqlApproval`, what the routes read) both answer
 * through these, so they cannot disagree on a view. The clock is computed when read, at the caller's date.
 */
export interface InboxItem {
  caseId: string;
  caseNumber: string;
  matterName: string;
  step: { index: number; name: string; status: string; officerId?: string } & StepClock;
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

/** A case that exists (opened), with its status. */
export type OpenedCase = Exclude<CaseState, { status: "none" }>;

/** One of approval's own events, as the case or the permit it folds into (undefined: not one of them). */
export type ApprovalFold =
  | { kind: "case"; id: string; event: CaseEvent }
  | { kind: "permit"; id: string; event: PermitEvent };

export function approvalFold(event: RecordedEvent): ApprovalFold | undefined {
  const c = caseTypes.toDomain(event);
  if (c && event.subject.startsWith("case-"))
    return { kind: "case", id: (c.data as { caseId: string }).caseId, event: c };
  const p = permitTypes.toDomain(event);
  if (p && event.subject.startsWith("permit-"))
    return { kind: "permit", id: (p.data as { permitId: string }).permitId, event: p };
  return undefined;
}

export const openedCase = (s: CaseState | undefined): OpenedCase | undefined =>
  s && s.status !== "none" ? s : undefined;

export const existingPermit = (p: PermitState | undefined): Permit | undefined =>
  p && "exists" in p ? p : undefined;

/** The step an officer works now: the first open or claimed one (none once every step is done). */
export const currentStep = (c: CaseFile) =>
  c.steps.find((x) => x.status === "open" || x.status === "claimed");

/** In the department's inbox: an open case with a step to work. */
export const inInbox = (s: CaseState): boolean => s.status === "open" && currentStep(s) !== undefined;

export function caseView(c: OpenedCase, calendar: WorkingDays, today: string): CaseView {
  const o = c.opened;
  const due = c.decision?.certificateDueOn;
  return {
    caseId: o.caseId,
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

/**
 * A department's open steps, least time left first (a calendar problem first of all), then by case id; each step with
 * its own clock and an overdue flag (past the step's limit, 行政许可法 第四十二条 counted as the case clock counts).
 */
export function inboxOf(
  cases: Iterable<CaseState>,
  department: string,
  calendar: WorkingDays,
  today: string,
) {
  const items: InboxItem[] = [];
  for (const s of cases) {
    if (s.status !== "open" || s.opened.matter.department.creditCode !== department) continue;
    const step = currentStep(s);
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
        ...stepClockAt(calendar, s, step, today),
      },
      clock: clockAt(calendar, s, today),
      greenChannel: s.opened.credit.greenChannel,
      strictReview: s.opened.credit.strictReview,
    });
  }
  const key = (i: InboxItem) => (i.clock.problem ? Number.NEGATIVE_INFINITY : i.clock.leftDays);
  return items.sort((a, b) => key(a) - key(b) || a.caseId.localeCompare(b.caseId));
}

/** A bundle's cases (in the order first seen) in parallel: complete (统一出件) once every case is decided; refusals shown, not blocking. */
export function bundleOf(bundleApplicationId: string, cases: readonly OpenedCase[]) {
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
export type BundleView = NonNullable<ReturnType<typeof bundleOf>>;

/** A certificate of a permit, by its number. */
export function certificateOf(permit: Permit | undefined, no: string) {
  const certificate = permit?.certificates.find((c) => c.certificateNo === no);
  return permit && certificate ? { permit, certificate } : undefined;
}

/** A holder's entry for one permit: the certificate version in force, and the permit's status. */
export function holderEntry(p: Permit) {
  const cur = p.certificates.at(-1);
  return cur
    ? [
        {
          permitId: p.permitId,
          status: p.status,
          certificateNo: cur.certificateNo,
          permitName: cur.permitName,
          validUntil: cur.validUntil,
        },
      ]
    : [];
}
export type HolderEntry = ReturnType<typeof holderEntry>[number];
