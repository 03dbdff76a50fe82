import type {
  CreditEventData,
  CreditEventName,
  CreditList,
  CreditStatus,
  DepartmentRef,
  Severity,
} from "@gov/contracts";

/** The subject aggregate's events, as the decider sees them (the contract's payloads). */
export type SubjectEvent = { [K in CreditEventName]: { type: K; data: CreditEventData[K] } }[CreditEventName];

/**
 * Where an entry is in its life: told to the subject (may object) → objected → effective → ended (withdrawn
 * after an upheld objection or a correction, repaired, or expired at the maximum period).
 */
export type ListingStage = "notified" | "objected" | "effective" | "withdrawn" | "repaired" | "expired";

export interface Listing {
  listingId: string;
  list: CreditList;
  severity?: Severity;
  ground?: string;
  issuingDepartment: DepartmentRef;
  legalBasis: string;
  reason: string;
  startDate: string;
  minDisclosureUntil?: string;
  maxDisclosureUntil: string;
  objectionDeadline?: string;
  stage: ListingStage;
  repairPending: boolean;
}

export type SubjectState =
  | { status: "none" }
  | {
      status: "registered";
      subjectId: string;
      kind: "person" | "organisation";
      creditCode?: string;
      listings: Record<string, Listing>;
      creditStatus: CreditStatus;
      erased: boolean;
    };

export type RegisteredSubject = Extract<SubjectState, { status: "registered" }>;

export const initialSubjectState = (): SubjectState => ({ status: "none" });

export function evolveSubject(state: SubjectState, event: SubjectEvent): SubjectState {
  if (event.type === "SubjectRegistered") {
    const { subjectId, kind, organisation } = event.data;
    return {
      status: "registered",
      subjectId,
      kind,
      ...(organisation ? { creditCode: organisation.creditCode } : {}),
      listings: {},
      creditStatus: "normal",
      erased: false,
    };
  }
  if (state.status !== "registered") return state;
  const stage = (listingId: string, change: Partial<Listing>): SubjectState => {
    const listing = state.listings[listingId];
    if (!listing) return state;
    return { ...state, listings: { ...state.listings, [listingId]: { ...listing, ...change } } };
  };
  switch (event.type) {
    case "ListingProposed": {
      const { subjectId: _s, source: _src, measuresVersion: _v, ...listing } = event.data;
      return {
        ...state,
        listings: {
          ...state.listings,
          [listing.listingId]: { ...listing, stage: "notified", repairPending: false },
        },
      };
    }
    case "NoticeIssued":
      return stage(event.data.listingId, { objectionDeadline: event.data.objectionDeadline });
    case "ObjectionFiled":
      return stage(event.data.listingId, { stage: "objected" });
    case "ObjectionDismissed":
      return stage(event.data.listingId, { stage: "notified" });
    case "ObjectionUpheld":
      return state;
    case "ListingTookEffect":
      return stage(event.data.listingId, { stage: "effective" });
    case "ListingWithdrawn":
      return stage(event.data.listingId, { stage: "withdrawn", repairPending: false });
    case "RepairRequested":
      return stage(event.data.listingId, { repairPending: true });
    case "RepairRefused":
      return stage(event.data.listingId, { repairPending: false });
    case "RepairApproved":
      return stage(event.data.listingId, { stage: "repaired", repairPending: false });
    case "ListingExpired":
      return stage(event.data.listingId, { stage: "expired", repairPending: false });
    case "CreditStatusChanged":
      return { ...state, creditStatus: event.data.status };
    case "IdentityErased":
      return { ...state, erased: true };
  }
}

/** The entries in force now: effective, not yet ended. */
export function effectiveListings(state: RegisteredSubject): Listing[] {
  return Object.values(state.listings).filter((l) => l.stage === "effective");
}
