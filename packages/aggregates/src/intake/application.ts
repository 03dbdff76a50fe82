import type { IntakeEventData, IntakeEventName, MaterialProvision, MatterMaterial } from "@gov/contracts";

/** The application aggregate's events, as the decider sees them (the contract's payloads). */
type Name = Exclude<IntakeEventName, "CaseNumberAllocated">;
export type ApplicationEvent = { [K in Name]: { type: K; data: IntakeEventData[K] } }[Name];

type Submitted = IntakeEventData["ApplicationSubmitted"];
type Accepted = IntakeEventData["ApplicationAccepted"];

/** What every received application carries, whatever became of it. */
interface Received {
  applicationId: string;
  submitted: Submitted;
  /** The matter version's material list recorded at submission (the check is made against it). */
  requirements: MatterMaterial[];
  /** The current provision of each material, by material id. */
  materials: Record<string, MaterialProvision>;
  /** The correction notices given so far (一次性告知: at most one per supplement). */
  notices: IntakeEventData["CorrectionRequested"][];
}

/** Received, no notice given yet: awaiting the window's completeness check (or deemed acceptance, 行政许可法 第三十二条). */
export interface AwaitingCheck extends Received {
  status: "submitted";
}

/**
 * A "一件事" case one of whose materials is another member's result (BundlePublished.dependencies): it is not
 * checked, and so not accepted, until that result exists (the `awaiting-result` provisions say which case
 * produces it). Approval's certificate events will release it; until approval exists it stays here.
 */
export interface AwaitingResult extends Received {
  status: "awaiting-result";
}

/** A notice to correct is open: awaiting the applicant's supplement. */
export interface CorrectionRequested extends Received {
  status: "correction-requested";
}

/** Supplemented after a notice: awaiting the next check, which may name only what was newly supplied. */
export interface Supplemented extends Received {
  status: "supplemented";
  /** Material ids the last supplement brought. */
  lastSupplemented: string[];
}

/**
 * 受理: accepted as complete, with 容缺 materials deferred, under 告知承诺, or deemed accepted (the mode is in
 * `accepted.mode`). Under 容缺, `outstanding` lists what is still to be supplied by `accepted.deferred.supplyBy`.
 */
export interface AcceptedApplication extends Received {
  status: "accepted";
  accepted: Accepted;
  outstanding: string[];
}

/** 不予受理: refused with reason and legal basis. */
export interface Rejected extends Received {
  status: "rejected";
}

/** 容缺 materials not supplied in time after acceptance: the case ends. */
export interface Terminated extends Received {
  status: "terminated";
  accepted: Accepted;
  outstanding: string[];
}

/** Withdrawn by the applicant before a decision. */
export interface Withdrawn extends Received {
  status: "withdrawn";
}

export type ApplicationState =
  | { status: "none" }
  | AwaitingCheck
  | AwaitingResult
  | CorrectionRequested
  | Supplemented
  | AcceptedApplication
  | Rejected
  | Terminated
  | Withdrawn;

export type ActiveApplication = Exclude<ApplicationState, { status: "none" }>;
export type ApplicationStatus = ActiveApplication["status"];

export const initialApplicationState = (): ApplicationState => ({ status: "none" });

const byId = (provisions: readonly MaterialProvision[]): Record<string, MaterialProvision> =>
  Object.fromEntries(provisions.map((p) => [p.materialId, p]));

const received = (a: ActiveApplication): Received => ({
  applicationId: a.applicationId,
  submitted: a.submitted,
  requirements: a.requirements,
  materials: a.materials,
  notices: a.notices,
});

/**
 * How one event changes an application. Events that do not fit the state (which the decider never
 * produces) leave it as it is.
 */
export function evolveApplication(state: ApplicationState, event: ApplicationEvent): ApplicationState {
  if (event.type === "ApplicationSubmitted") {
    const waits = event.data.materials.some((m) => m.provision === "awaiting-result");
    return {
      status: waits ? "awaiting-result" : "submitted",
      applicationId: event.data.applicationId,
      submitted: event.data,
      requirements: event.data.requirements,
      materials: byId(event.data.materials),
      notices: [],
    };
  }
  if (state.status === "none") return state;
  switch (event.type) {
    case "CorrectionRequested":
      return { ...received(state), status: "correction-requested", notices: [...state.notices, event.data] };
    case "MaterialsSupplemented":
      return {
        ...received(state),
        status: "supplemented",
        materials: { ...state.materials, ...byId(event.data.materials) },
        lastSupplemented: event.data.materials.map((m) => m.materialId),
      };
    case "ApplicationAccepted":
      return {
        ...received(state),
        status: "accepted",
        accepted: event.data,
        outstanding: event.data.deferred?.materialIds ?? [],
      };
    case "DeferredMaterialsSupplied": {
      if (state.status !== "accepted") return state;
      const supplied = new Set(event.data.materials.map((m) => m.materialId));
      return {
        ...state,
        materials: { ...state.materials, ...byId(event.data.materials) },
        outstanding: state.outstanding.filter((id) => !supplied.has(id)),
      };
    }
    case "ApplicationRejected":
      return { ...received(state), status: "rejected" };
    case "ApplicationTerminated":
      if (state.status !== "accepted") return state;
      return { ...state, status: "terminated" };
    case "ApplicationWithdrawn":
      return { ...received(state), status: "withdrawn" };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
