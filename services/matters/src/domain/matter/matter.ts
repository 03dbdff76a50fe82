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

export interface DraftVersion {
  version: number;
  elements: MatterElements;
}

export interface PublishedVersion {
  version: number;
  elements: MatterElements;
  effectiveFrom: string;
}

/** What every matter that is neither unknown nor retired has: who is responsible for it, and a transfer. */
interface Responsibility {
  matterId: string;
  /** The department responsible now (the old one stays responsible while a transfer is pending). */
  department: DepartmentRef;
  /** A transfer to another department awaiting that department's confirmation, in any status. */
  pendingTransfer: { to: DepartmentRef } | undefined;
}

/** A version in force, and possibly the next version being drafted. */
interface InForce extends Responsibility {
  published: PublishedVersion;
  draft: DraftVersion | undefined;
}

/**
 * The matter's lifecycle: drafted (claimed, 认领, by its department or not yet) → published (an immutable
 * numbered version; an edit drafts the next one) ⇄ suspended → retired.
 */
export type MatterState =
  | { status: "none" }
  | (Responsibility & { status: "draft"; claimed: boolean; draft: DraftVersion })
  | (InForce & { status: "published" })
  | (InForce & { status: "suspended" })
  | { status: "retired"; matterId: string; lastVersion: number | undefined };

/** A matter commands can act on. */
export type ActiveMatter = Extract<MatterState, { status: "draft" | "published" | "suspended" }>;

export const initialMatterState = (): MatterState => ({ status: "none" });

/** The version in force, if the matter was ever published. */
export const publishedOf = (m: ActiveMatter): PublishedVersion | undefined =>
  m.status === "draft" ? undefined : m.published;

const departmentOf = (e: MatterElements): DepartmentRef => ({
  creditCode: e.implementingDepartment.creditCode,
  name: e.implementingDepartment.name,
});

const isActive = (state: MatterState): state is ActiveMatter =>
  state.status === "draft" || state.status === "published" || state.status === "suspended";

export function evolveMatter(state: MatterState, event: MatterEvent): MatterState {
  switch (event.type) {
    case "MatterDrafted": {
      const { matterId, version, elements } = event.data;
      if (isActive(state)) return { ...state, draft: { version, elements } };
      if (state.status === "retired") return state;
      return {
        status: "draft",
        matterId,
        department: departmentOf(elements),
        claimed: false,
        draft: { version, elements },
        pendingTransfer: undefined,
      };
    }
    case "MatterDraftRevised":
      return isActive(state)
        ? { ...state, draft: { version: event.data.version, elements: event.data.elements } }
        : state;
    case "MatterClaimed":
      return state.status === "draft" ? { ...state, claimed: true } : state;
    case "MatterPublished": {
      if (!isActive(state)) return state;
      const { version, elements, effectiveFrom } = event.data;
      return {
        status: "published",
        matterId: state.matterId,
        department: departmentOf(elements),
        pendingTransfer: state.pendingTransfer,
        published: { version, elements, effectiveFrom },
        draft: undefined,
      };
    }
    case "MatterSuspended":
      return state.status === "published" ? { ...state, status: "suspended" } : state;
    case "MatterResumed":
      return state.status === "suspended" ? { ...state, status: "published" } : state;
    case "MatterRetired":
      return isActive(state)
        ? { status: "retired", matterId: state.matterId, lastVersion: publishedOf(state)?.version }
        : state;
    case "MatterTransferRequested":
      return isActive(state) ? { ...state, pendingTransfer: { to: event.data.to } } : state;
    case "MatterTransferConfirmed":
      return isActive(state) ? { ...state, department: event.data.to, pendingTransfer: undefined } : state;
    case "MatterTransferCancelled":
      return isActive(state) ? { ...state, pendingTransfer: undefined } : state;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}
