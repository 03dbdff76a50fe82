import {
  type DepartmentRef,
  type FeedbackStep,
  type ReviewAndMonitorEventData,
  reviewAndMonitorEventTypes,
} from "@gov/contracts";
import type { MemoryModel, RecordedEvent } from "@gov/eventsourcing";

type Data = ReviewAndMonitorEventData;
type Name = keyof Data;
const nameOf = new Map<string, Name>(
  Object.entries(reviewAndMonitorEventTypes).map(([name, wire]) => [wire, name as Name]),
);

/** A rating as the lists show it: never the rater. */
export interface RatingView {
  ratingId: string;
  caseId: string;
  department: DepartmentRef;
  matterId?: string;
  channel: Data["RatingSubmitted"]["channel"];
  level: Data["RatingSubmitted"]["level"];
  dimensions?: Record<string, number>;
  comment?: string;
  ratedOn: string;
  /** An upheld 恶意差评 appeal: still recorded, left out of every KPI. */
  excludedFromKpis: boolean;
  refusedChangeAttempts: number;
}

/** A 差评 or complaint loop as the lists show it: never the rater or complainant. */
export interface FeedbackView {
  feedbackId: string;
  kind: Data["FeedbackOpened"]["kind"];
  ratingId?: string;
  complaint?: Data["FeedbackOpened"]["complaint"];
  caseId?: string;
  matterId?: string;
  department: DepartmentRef;
  openedOn: string;
  status: "open" | "closed";
  step?: FeedbackStep;
  dueOn?: string;
  steps: { step: FeedbackStep; outcome: string; doneOn: string; late: boolean }[];
  reopened: number;
  appeal?: { status: "filed" | "upheld" | "rejected"; appealedOn: string; decidedOn?: string };
}

export interface ClockView {
  clockId: string;
  /** `promise-verification`: a 告知承诺 verification task's deadline (its warnings on the task's own stream). */
  kind: Data["ClockStarted"]["kind"] | "promise-verification";
  refId: string;
  department: DepartmentRef;
  dueOn: string;
  status: "running" | "stopped";
  /** Warnings raised and not cleared. */
  warnings: { level: "yellow" | "red"; raisedOn: string; workingDaysLeft: number }[];
  urged: number;
  /** Every warning this clock raised, cleared or not (for the KPIs). */
  raisedEver: { level: "yellow" | "red"; raisedOn: string }[];
}

export interface FindingView {
  findingId: string;
  kind: "violation";
  subject: Data["ViolationFound"]["subject"];
  department: DepartmentRef;
  legalBasis: string;
  severity: Data["ViolationFound"]["severity"];
  foundOn: string;
  measure?: Data["MeasureRequested"]["measure"];
  permitId?: string;
  penalty?: { decisionNumber: string; penalties: string[]; decidedOn: string };
}

/** A task pushed to the supervising department (审管互动). */
export type PushView = Data["PushReceived"] & {
  status: "pending" | "claimed";
  claimedOn?: string;
  late?: boolean;
  /** Unclaimed by its date: escalated. */
  overdue?: { on: string; escalatedTo: string };
};

/** A 告知承诺 verification task (the holder's subject is shown: it is an organisation's code or a pseudonym). */
export type VerificationView = Data["PromiseVerificationOpened"] & {
  status: "not-sampled" | "open" | "concluded";
  outcome?: "verified" | "false";
  doneOn?: string;
  late?: boolean;
  findingId?: string;
};

/** Everything review-and-monitor shows, built from its own events only (rebuilt from the log on start). */
export class SupervisionModel implements MemoryModel {
  readonly ratings = new Map<string, RatingView>();
  readonly feedback = new Map<string, FeedbackView>();
  readonly clocks = new Map<string, ClockView>();
  readonly findings = new Map<string, FindingView>();
  readonly inspections = new Map<string, Data["InspectionRecorded"]>();
  readonly pushes = new Map<string, PushView>();
  readonly verifications = new Map<string, VerificationView>();

  apply(event: RecordedEvent): void {
    const name = nameOf.get(event.type);
    if (!name) return;
    this.#apply({ name, data: event.data } as { [K in Name]: { name: K; data: Data[K] } }[Name]);
  }

  #apply(e: { [K in Name]: { name: K; data: Data[K] } }[Name]): void {
    switch (e.name) {
      case "RatingSubmitted": {
        const { rater: _r, enteredBy: _e, ...rest } = e.data;
        this.ratings.set(rest.ratingId, { ...rest, excludedFromKpis: false, refusedChangeAttempts: 0 });
        return;
      }
      case "RatingChangeRefused": {
        const r = this.ratings.get(e.data.ratingId);
        if (r) r.refusedChangeAttempts += 1;
        return;
      }
      case "FeedbackOpened": {
        const { raisedBy: _r, step, dueOn, ...rest } = e.data;
        this.feedback.set(rest.feedbackId, { ...rest, status: "open", step, dueOn, steps: [], reopened: 0 });
        return;
      }
      case "FeedbackStepDone": {
        const f = this.feedback.get(e.data.feedbackId);
        if (!f) return;
        const { step, outcome, doneOn, late, next } = e.data;
        f.steps.push({ step, outcome, doneOn, late });
        if (next) Object.assign(f, { step: next.step, dueOn: next.dueOn });
        else Object.assign(f, { status: "closed", step: undefined, dueOn: undefined });
        return;
      }
      case "FeedbackReopened": {
        const f = this.feedback.get(e.data.feedbackId);
        if (!f) return;
        Object.assign(f, { status: "open", step: e.data.next.step, dueOn: e.data.next.dueOn });
        f.reopened += 1;
        return;
      }
      case "MaliciousRatingAppealed": {
        const f = this.feedback.get(e.data.feedbackId);
        if (f) f.appeal = { status: "filed", appealedOn: e.data.appealedOn };
        return;
      }
      case "MaliciousRatingAppealDecided": {
        const f = this.feedback.get(e.data.feedbackId);
        if (f?.appeal)
          f.appeal = {
            ...f.appeal,
            status: e.data.upheld ? "upheld" : "rejected",
            decidedOn: e.data.decidedOn,
          };
        const r = this.ratings.get(e.data.ratingId);
        if (r && e.data.upheld) r.excludedFromKpis = true;
        return;
      }
      case "ClockStarted": {
        const { startedOn: _s, ...rest } = e.data;
        const before = this.clocks.get(rest.clockId);
        this.clocks.set(rest.clockId, {
          ...rest,
          status: "running",
          warnings: [],
          urged: before?.urged ?? 0,
          raisedEver: before?.raisedEver ?? [],
        });
        return;
      }
      case "ClockStopped": {
        const c = this.clocks.get(e.data.clockId);
        if (c) c.status = "stopped";
        return;
      }
      case "DeadlineWarningRaised": {
        const c = this.clocks.get(e.data.clockId);
        if (!c) return;
        const { level, raisedOn, workingDaysLeft } = e.data;
        c.warnings.push({ level, raisedOn, workingDaysLeft });
        c.raisedEver.push({ level, raisedOn });
        return;
      }
      case "DeadlineWarningCleared": {
        const c = this.clocks.get(e.data.clockId);
        if (c) c.warnings = c.warnings.filter((w) => w.level !== e.data.level);
        return;
      }
      case "HandlingUrged": {
        const c = this.clocks.get(e.data.clockId);
        if (c) c.urged += 1;
        return;
      }
      case "ViolationFound": {
        const d = e.data;
        this.findings.set(d.findingId, {
          findingId: d.findingId,
          kind: "violation",
          subject: d.subject,
          department: d.department,
          legalBasis: d.legalBasis,
          severity: d.severity,
          foundOn: d.foundOn,
          ...(d.permitId ? { permitId: d.permitId } : {}),
        });
        return;
      }
      case "MeasureRequested": {
        const f = this.findings.get(e.data.findingId);
        if (f) f.measure = e.data.measure;
        return;
      }
      case "PenaltyDecided": {
        const f = this.findings.get(e.data.findingId);
        if (f) {
          const { decisionNumber, penalties, decidedOn } = e.data;
          f.penalty = { decisionNumber, penalties, decidedOn };
        }
        return;
      }
      case "InspectionRecorded":
        this.inspections.set(e.data.inspectionId, e.data);
        return;
      case "FalsePromiseFound":
        return;
      case "PushReceived":
        this.pushes.set(e.data.pushId, { ...e.data, status: "pending" });
        return;
      case "PushClaimed": {
        const p = this.pushes.get(e.data.pushId);
        if (p) Object.assign(p, { status: "claimed", claimedOn: e.data.claimedOn, late: e.data.late });
        return;
      }
      case "PushOverdue": {
        const p = this.pushes.get(e.data.pushId);
        if (p) Object.assign(p, { overdue: { on: e.data.overdueOn, escalatedTo: e.data.escalatedTo } });
        return;
      }
      case "PromiseVerificationOpened": {
        const d = e.data;
        this.verifications.set(d.verificationId, {
          ...d,
          status: d.sampling.sampled ? "open" : "not-sampled",
        });
        if (d.dueOn)
          this.clocks.set(`verify.${d.verificationId}`, {
            clockId: `verify.${d.verificationId}`,
            kind: "promise-verification",
            refId: d.permitId,
            department: d.department,
            dueOn: d.dueOn,
            status: "running",
            warnings: [],
            urged: 0,
            raisedEver: [],
          });
        return;
      }
      case "PromiseVerificationConcluded": {
        const v = this.verifications.get(e.data.verificationId);
        if (v) {
          const { outcome, doneOn, late, findingId } = e.data;
          Object.assign(v, {
            status: "concluded",
            outcome,
            doneOn,
            late,
            ...(findingId ? { findingId } : {}),
          });
        }
        const c = this.clocks.get(`verify.${e.data.verificationId}`);
        if (c) c.status = "stopped";
        return;
      }
      case "SamplingSeedRevealed":
        return; // read from its stream (GET …/sampling/{period}), not a list
      default: {
        const never: never = e;
        throw new Error(`unhandled event ${String(never)}`);
      }
    }
  }

  /** Running clocks with a warning, by department and level. */
  warnings(filter: { department?: string; level?: "yellow" | "red" }): ClockView[] {
    return [...this.clocks.values()].filter(
      (c) =>
        c.status === "running" &&
        c.warnings.length > 0 &&
        (!filter.department || c.department.creditCode === filter.department) &&
        (!filter.level || c.warnings.some((w) => w.level === filter.level)),
    );
  }

  /** Running clocks past their deadline on `today` (whether or not the scheduler has looked yet). */
  overdue(today: string, department?: string): ClockView[] {
    return [...this.clocks.values()].filter(
      (c) =>
        c.status === "running" && c.dueOn < today && (!department || c.department.creditCode === department),
    );
  }
}
