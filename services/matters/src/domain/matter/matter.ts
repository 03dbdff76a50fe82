import type { DepartmentRef, MatterElements, MattersEventData } from "@gov/contracts";

/** The matter aggregate's events, as the decider sees them (the contract's payloads). */
export type MatterEvent =
  | { type: "MatterDrafted"; data: MattersEventData["MatterDrafted"] }
  | { type: "MatterDraftRevised"; data: MattersEventData["MatterDraftRevised"] }
  | { type: "MatterClaimed"; data: MattersEventData["MatterClaimed"] }
  | { type: "MatterPublished"; data: MattersEventData["MatterPublished"] }
  | { type: "MatterSuspended"; data: MattersEventData["MatterSuspended"] }
  | { type: "MatterResumed"; data: MattersEventData["MatterResumed"] }
  | { type: "MatterRetired"; data: MattersEventData["MatterRetired"] }
  | { type: "MatterTransferRequested"; data: MattersEventData["MatterTransferRequested"] }
  | { type: "MatterTransferConfirmed"; data: MattersEventData["MatterTransferConfirmed"] }
  | { type: "MatterTransferCancelled"; data: MattersEventData["MatterTransferCancelled"] };

export interface PublishedVersion {
  version: number;
  elements: MatterElements;
  effectiveFrom: string;
}

export type MatterState =
  | { status: "none" }
  | {
      status: "active";
      matterId: string;
      /** The department responsible now (the old one stays responsible while a transfer is pending). */
      department: DepartmentRef;
      claimed: boolean;
      draft: { version: number; elements: MatterElements } | undefined;
      published: PublishedVersion | undefined;
      suspended: boolean;
      pendingTransfer: { to: DepartmentRef } | undefined;
    }
  | { status: "retired"; matterId: string; lastVersion: number | undefined };

export type ActiveMatter = Extract<MatterState, { status: "active" }>;

export const initialMatterState = (): MatterState => ({ status: "none" });

const departmentOf = (e: MatterElements): DepartmentRef => ({
  creditCode: e.implementingDepartment.creditCode,
  name: e.implementingDepartment.name,
});

export function evolveMatter(state: MatterState, event: MatterEvent): MatterState {
  switch (event.type) {
    case "MatterDrafted": {
      const { matterId, version, elements } = event.data;
      if (state.status === "active") return { ...state, draft: { version, elements } };
      return {
        status: "active",
        matterId,
        department: departmentOf(elements),
        claimed: false,
        draft: { version, elements },
        published: undefined,
        suspended: false,
        pendingTransfer: undefined,
      };
    }
    case "MatterDraftRevised":
      return state.status === "active"
        ? { ...state, draft: { version: event.data.version, elements: event.data.elements } }
        : state;
    case "MatterClaimed":
      return state.status === "active" ? { ...state, claimed: true } : state;
    case "MatterPublished": {
      if (state.status !== "active") return state;
      const { version, elements, effectiveFrom } = event.data;
      return {
        ...state,
        department: departmentOf(elements),
        draft: undefined,
        published: { version, elements, effectiveFrom },
        suspended: false,
      };
    }
    case "MatterSuspended":
      return state.status === "active" ? { ...state, suspended: true } : state;
    case "MatterResumed":
      return state.status === "active" ? { ...state, suspended: false } : state;
    case "MatterRetired":
      return state.status === "active"
        ? { status: "retired", matterId: state.matterId, lastVersion: state.published?.version }
        : state;
    case "MatterTransferRequested":
      return state.status === "active" ? { ...state, pendingTransfer: { to: event.data.to } } : state;
    case "MatterTransferConfirmed":
      return state.status === "active"
        ? { ...state, department: event.data.to, pendingTransfer: undefined }
        : state;
    case "MatterTransferCancelled":
      return state.status === "active" ? { ...state, pendingTransfer: undefined } : state;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}
