import type { IntakeEventData, IntakeEventName, MaterialProvision, MatterMaterial } from "@gov/contracts";

/** The application aggregate's events, as the decider sees them (the contract's payloads). */
type Name = Exclude<IntakeEventName, "CaseNumberAllocated">;
export type ApplicationEvent = { [K in Name]: { type: K; data: IntakeEventData[K] } }[Name];

export type Stage =
  | "submitted"
  | "correction-requested"
  | "supplemented"
  | "accepted"
  | "rejected"
  | "terminated"
  | "withdrawn";

type Submitted = IntakeEventData["ApplicationSubmitted"];

export type ApplicationState =
  | { status: "none" }
  | {
      status: Stage;
      applicationId: string;
      submitted: Submitted;
      requirements: MatterMaterial[];
      /** The current provision of each material, by material id. */
      materials: Record<string, MaterialProvision>;
      notices: IntakeEventData["CorrectionRequested"][];
      /** Material ids the last supplement brought (a later notice may name only these as defective). */
      lastSupplemented: string[];
      accepted?: IntakeEventData["ApplicationAccepted"];
      /** 容缺: materials still to supply after acceptance. */
      outstanding: string[];
    };

export type ActiveApplication = Exclude<ApplicationState, { status: "none" }>;

export const initialApplicationState = (): ApplicationState => ({ status: "none" });

const byId = (provisions: readonly MaterialProvision[]) =>
  Object.fromEntries(provisions.map((p) => [p.materialId, p])) as Record<string, MaterialProvision>;

export function evolveApplication(state: ApplicationState, event: ApplicationEvent): ApplicationState {
  if (event.type === "ApplicationSubmitted") {
    return {
      status: "submitted",
      applicationId: event.data.applicationId,
      submitted: event.data,
      requirements: event.data.requirements,
      materials: byId(event.data.materials),
      notices: [],
      lastSupplemented: [],
      outstanding: [],
    };
  }
  if (state.status === "none") return state;
  switch (event.type) {
    case "CorrectionRequested":
      return { ...state, status: "correction-requested", notices: [...state.notices, event.data] };
    case "MaterialsSupplemented":
      return {
        ...state,
        status: "supplemented",
        materials: { ...state.materials, ...byId(event.data.materials) },
        lastSupplemented: event.data.materials.map((m) => m.materialId),
      };
    case "ApplicationAccepted":
      return {
        ...state,
        status: "accepted",
        accepted: event.data,
        outstanding: event.data.deferred?.materialIds ?? [],
      };
    case "DeferredMaterialsSupplied": {
      const supplied = new Set(event.data.materials.map((m) => m.materialId));
      return {
        ...state,
        materials: { ...state.materials, ...byId(event.data.materials) },
        outstanding: state.outstanding.filter((id) => !supplied.has(id)),
      };
    }
    case "ApplicationRejected":
      return { ...state, status: "rejected" };
    case "ApplicationTerminated":
      return { ...state, status: "terminated" };
    case "ApplicationWithdrawn":
      return { ...state, status: "withdrawn" };
  }
}
