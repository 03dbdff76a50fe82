import { type IntakeEventData, intakeEventTypes } from "@gov/contracts";
import type { RecordedEvent } from "@gov/eventsourcing";
import { validateCreditCode } from "@gov/identifiers";
import { applicationTypes } from "../application/applications.ts";
import {
  type ActiveApplication,
  type ApplicationEvent,
  type ApplicationState,
  type ApplicationStatus,
  evolveApplication,
  initialApplicationState,
} from "../domain/application/application.ts";

type Candidate = { applicationId: string; action: "DeemAccepted" | "TerminateUnsupplied" };

export interface ApplicationView {
  applicationId: string;
  bundleApplicationId?: string;
  status: ApplicationStatus;
  matter: IntakeEventData["ApplicationSubmitted"]["matter"];
  applicant: IntakeEventData["ApplicationSubmitted"]["applicant"];
  /**
   * False when the applicant's 统一社会信用代码 fails its check character (GB 32100-2015): accepted, but the
   * window clerk should look at the licence. Derived from the recorded code, so a rebuild gives the same.
   */
  checksumOk: boolean;
  /** What the window should know about the application, e.g. the check-character warning. */
  warnings: string[];
  channel: string;
  receivedOn: string;
  flags: string[];
  notices: IntakeEventData["CorrectionRequested"][];
  accepted?: IntakeEventData["ApplicationAccepted"];
  /** 容缺 materials still outstanding after acceptance. */
  outstanding: string[];
  outcome?: { type: string; on: string; reason?: string; legalBasis?: string };
  history: { type: string; time: string; position: string }[];
}

/**
 * Every application as the window, the officer and the applicant see it, from intake's own log, plus the
 * scheduler's due lists. The stages follow the decider's own evolve.
 */
export class ApplicationsModel {
  readonly #apps = new Map<string, { state: ApplicationState; view: ApplicationView }>();

  apply(recorded: RecordedEvent): void {
    if (recorded.type === intakeEventTypes.CaseNumberAllocated) return;
    const event = applicationTypes.toDomain(recorded);
    if (!event) return;
    const id = event.data.applicationId;
    const entry = this.#apps.get(id) ?? { state: initialApplicationState(), view: undefined };
    const state = evolveApplication(entry.state, event);
    if (state.status === "none") return;
    const view = entry.view ?? initialView(state);
    view.status = state.status;
    view.notices = state.notices;
    if ("outstanding" in state) view.outstanding = state.outstanding;
    if ("accepted" in state) view.accepted = state.accepted;
    outcome(view, event);
    view.history.push({ type: recorded.type, time: recorded.time, position: recorded.position });
    this.#apps.set(id, { state, view });
  }

  get(applicationId: string): ApplicationView | undefined {
    return this.#apps.get(applicationId)?.view;
  }

  all(): ApplicationView[] {
    return [...this.#apps.values()].map((a) => a.view);
  }

  /** A "一件事" application: its cases, and accepted once every case is. */
  bundle(bundleApplicationId: string) {
    const cases = this.all().filter((a) => a.bundleApplicationId === bundleApplicationId);
    if (cases.length === 0) return undefined;
    const status = cases.every((c) => c.status === "accepted")
      ? "accepted"
      : cases.some((c) => ["rejected", "terminated", "withdrawn"].includes(c.status))
        ? "needs-attention"
        : "in-progress";
    return { bundleApplicationId, status, cases };
  }

  /** The window's queue: waiting for a completeness check, oldest first, green channel first (priority). */
  queue(filter: { region?: string; department?: string } = {}): ApplicationView[] {
    return this.all()
      .filter((a) => a.status === "submitted" || a.status === "supplemented")
      .filter((a) => !filter.region || a.matter.region === filter.region)
      .filter((a) => !filter.department || a.matter.department.creditCode === filter.department)
      .sort(
        (a, b) =>
          Number(b.flags.includes("green-channel")) - Number(a.flags.includes("green-channel")) ||
          a.receivedOn.localeCompare(b.receivedOn),
      );
  }

  /** For the scheduler: applications that may be due for deemed acceptance (行政许可法 第三十二条) or 容缺 termination. */
  candidates(): Candidate[] {
    return this.all().flatMap((a): Candidate[] => {
      if (a.status === "submitted")
        return [{ applicationId: a.applicationId, action: "DeemAccepted" as const }];
      if (a.status === "accepted" && a.outstanding.length > 0)
        return [{ applicationId: a.applicationId, action: "TerminateUnsupplied" as const }];
      return [];
    });
  }

  snapshot(): ApplicationView[] {
    return this.all().sort((a, b) => a.applicationId.localeCompare(b.applicationId));
  }
}

function initialView(state: ActiveApplication): ApplicationView {
  const s = state.submitted;
  const code = s.applicant.creditCode ? validateCreditCode(s.applicant.creditCode) : undefined;
  const warning = code?.valid && !code.checksumOk ? code.warning : undefined;
  return {
    applicationId: state.applicationId,
    ...(s.bundleApplicationId ? { bundleApplicationId: s.bundleApplicationId } : {}),
    status: state.status,
    matter: s.matter,
    applicant: s.applicant,
    channel: s.channel,
    receivedOn: s.receivedOn,
    flags: s.flags,
    checksumOk: warning === undefined,
    warnings: warning === undefined ? [] : [warning],
    notices: [],
    outstanding: [],
    history: [],
  };
}

function outcome(view: ApplicationView, event: ApplicationEvent): void {
  switch (event.type) {
    case "ApplicationRejected":
      view.outcome = {
        type: "rejected",
        on: event.data.rejectedOn,
        reason: event.data.reason,
        legalBasis: event.data.legalBasis,
      };
      break;
    case "ApplicationTerminated":
      view.outcome = { type: "terminated", on: event.data.terminatedOn, reason: event.data.reason };
      break;
    case "ApplicationWithdrawn":
      view.outcome = { type: "withdrawn", on: event.data.withdrawnOn, reason: event.data.reason };
      break;
    case "ApplicationAccepted":
      view.outcome = { type: `accepted (${event.data.mode})`, on: event.data.acceptedOn };
      break;
    default:
      break;
  }
}
