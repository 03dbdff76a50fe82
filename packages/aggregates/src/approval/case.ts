import type { ApprovalEventData } from "@gov/contracts";

/** The case aggregate's events, as the decider sees them (the contract's payloads). */
export type CaseEventName =
  | "CaseOpened"
  | "AutoApprovalAssessed"
  | "StepClaimed"
  | "StepCompleted"
  | "StepReturned"
  | "StepReassigned"
  | "SpecialProcedureStarted"
  | "SpecialProcedureEnded"
  | "ExtensionGranted"
  | "CaseDecided"
  | "CaseCertificateIssued"
  | "CaseClosed";
export type CaseEvent = { [K in CaseEventName]: { type: K; data: ApprovalEventData[K] } }[CaseEventName];

type Opened = ApprovalEventData["CaseOpened"];

export interface Step {
  index: number;
  name: string;
  timeLimitDays: number;
  /** waiting: not reached yet; open: reached, unclaimed; claimed: an officer works on it; done: completed. */
  status: "waiting" | "open" | "claimed" | "done";
  officerId?: string;
  /** The date the step was reached (for its own limit). */
  openedOn?: string;
  opinion?: string;
  recommendation?: "approve" | "refuse";
}

export interface Procedure {
  procedureId: string;
  procedure: string;
  name: string;
  startedOn: string;
  expectedEndOn: string;
  endedOn?: string;
  daysExcluded?: number;
}

export interface CaseFile {
  opened: Opened;
  steps: Step[];
  procedures: Procedure[];
  extension?: ApprovalEventData["ExtensionGranted"];
  autoApproval?: ApprovalEventData["AutoApprovalAssessed"];
  decision?: ApprovalEventData["CaseDecided"];
  certificate?: ApprovalEventData["CaseCertificateIssued"];
  closed?: ApprovalEventData["CaseClosed"];
}

/** Open: steps run; decided: 准予/不予 given (no step changes after it); closed: ended at intake undecided. */
export type CaseState =
  | { status: "none" }
  | ({ status: "open" } & CaseFile)
  | ({ status: "decided" } & CaseFile)
  | ({ status: "closed" } & CaseFile);

export const initialCaseState = (): CaseState => ({ status: "none" });

const dateOf = (instant: string) => instant.slice(0, 10);

/** Folds one event into the case. */
export function evolveCase(state: CaseState, event: CaseEvent): CaseState {
  if (event.type === "CaseOpened") {
    return {
      status: "open",
      opened: event.data,
      steps: event.data.steps.map((s, i) => ({
        ...s,
        status: i === 0 ? "open" : "waiting",
        ...(i === 0 ? { openedOn: event.data.acceptedOn } : {}),
      })),
      procedures: [],
    };
  }
  if (state.status === "none") return state;
  const s = { ...state, steps: state.steps.map((x) => ({ ...x })), procedures: [...state.procedures] };
  switch (event.type) {
    case "AutoApprovalAssessed":
      return { ...s, autoApproval: event.data };
    case "StepClaimed": {
      const step = s.steps[event.data.stepIndex];
      if (step) Object.assign(step, { status: "claimed", officerId: event.data.officerId });
      return s;
    }
    case "StepCompleted": {
      const step = s.steps[event.data.stepIndex];
      if (step)
        Object.assign(step, {
          status: "done",
          opinion: event.data.opinion,
          recommendation: event.data.recommendation,
        });
      const next = s.steps[event.data.stepIndex + 1];
      if (next) Object.assign(next, { status: "open", openedOn: dateOf(event.data.completedAt) });
      return s;
    }
    case "StepReturned": {
      const from = s.steps[event.data.fromStep];
      if (from) {
        from.status = "waiting";
        delete from.officerId;
        delete from.openedOn;
      }
      const to = s.steps[event.data.toStep];
      if (to) {
        to.status = "open";
        to.openedOn = dateOf(event.data.returnedAt);
        delete to.officerId;
        delete to.opinion;
        delete to.recommendation;
      }
      return s;
    }
    case "StepReassigned": {
      const step = s.steps[event.data.stepIndex];
      if (step) step.officerId = event.data.toOfficerId;
      return s;
    }
    case "SpecialProcedureStarted": {
      const { procedureId, procedure, name, startedOn, expectedEndOn } = event.data;
      s.procedures.push({ procedureId, procedure, name, startedOn, expectedEndOn });
      return s;
    }
    case "SpecialProcedureEnded":
      s.procedures = s.procedures.map((p) =>
        p.procedureId === event.data.procedureId
          ? { ...p, endedOn: event.data.endedOn, daysExcluded: event.data.daysExcluded }
          : p,
      );
      return s;
    case "ExtensionGranted":
      return { ...s, extension: event.data };
    case "CaseDecided":
      return { ...s, status: "decided", decision: event.data };
    case "CaseCertificateIssued":
      return { ...s, certificate: event.data };
    case "CaseClosed":
      return { ...s, status: "closed", closed: event.data };
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${(unknown as { type: string }).type}`);
    }
  }
}
