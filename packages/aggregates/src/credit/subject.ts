import type {
  CreditEventData,
  CreditEventName,
  CreditList,
  CreditStatus,
  DepartmentRef,
  Severity,
} from "@gov/contracts";
import { addMonths } from "./dates.ts";

/** The credit events on a subject's own stream (a look-up is recorded on the stream `lookup-<subjectId>`). */
export type SubjectEventName = Exclude<CreditEventName, "LookupRecorded">;
/** The subject aggregate's events, as the decider sees them (the contract's payloads). */
export type SubjectEvent = {
  [K in SubjectEventName]: { type: K; data: CreditEventData[K] };
}[SubjectEventName];

/**
 * Where an entry is in its life: told to the subject (may object) → objected → effective → ended (withdrawn
 * after an upheld objection or a correction, repaired, or expired at the maximum period; a 经营异常名录 entry:
 * removed (移出) after rectification, or moved to the 严重违法失信名单 while still listed).
 */
export type ListingStage =
  | "notified"
  | "objected"
  | "effective"
  | "withdrawn"
  | "repaired"
  | "expired"
  | "removed"
  | "moved-to-serious-list";

/** A 经营异常名录 entry's removal (移出): applied for after rectification, then decided. */
export interface Removal {
  status: "requested" | "refused" | "removed";
  rectification: string[];
  requestedOn: string;
  decidedOn?: string;
  reasons?: string;
}

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
  /** Absent on the 经营异常名录: it has no maximum disclosure period. */
  maxDisclosureUntil?: string;
  /** 经营异常名录 only: moved to the 严重违法失信名单 on this date if still listed. */
  seriousListOn?: string;
  objectionDeadline?: string;
  stage: ListingStage;
  repairPending: boolean;
  /** 经营异常名录 only: the last removal application and its decision. */
  removal?: Removal;
  /** A 经营异常名录 entry moved to the 严重违法失信名单: the new entry, when, on what basis. */
  movedTo?: { listingId: string; movedOn: string; legalBasis: string };
  /** An entry on the 严重违法失信名单 that came from this 经营异常名录 entry. */
  movedFrom?: string;
  /** A person's entry: its reason, sealed under the person's key (`reason` is then SEALED_TEXT). */
  sealedText?: CreditEventData["ListingProposed"]["sealedText"];
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
      /** An erasure requested and not yet confirmed (the key may or may not be destroyed yet). */
      erasureRequested?: { request: string; requestedOn: string };
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
    case "AbnormalOperationListingProposed": {
      const { subjectId: _s, source: _src, measuresVersion: _v, ...listing } = event.data;
      return {
        ...state,
        listings: {
          ...state.listings,
          [listing.listingId]: {
            ...listing,
            list: "abnormal-operation",
            stage: "notified",
            repairPending: false,
          },
        },
      };
    }
    case "AbnormalOperationRemovalRequested": {
      const { rectification, requestedOn } = event.data;
      return stage(event.data.listingId, { removal: { status: "requested", rectification, requestedOn } });
    }
    case "AbnormalOperationRemovalRefused":
    case "AbnormalOperationRemoved": {
      const listing = state.listings[event.data.listingId];
      if (!listing?.removal) return state;
      const removed = event.type === "AbnormalOperationRemoved";
      const { decidedOn, reasons } = event.data;
      return stage(event.data.listingId, {
        ...(removed ? { stage: "removed" as const } : {}),
        removal: { ...listing.removal, status: removed ? "removed" : "refused", decidedOn, reasons },
      });
    }
    case "MovedToSeriousIllegalDishonestyList": {
      const d = event.data;
      const moved = stage(d.listingId, {
        stage: "moved-to-serious-list",
        movedTo: { listingId: d.seriousListingId, movedOn: d.movedOn, legalBasis: d.legalBasis },
      });
      if (moved.status !== "registered") return moved;
      const serious: Listing = {
        listingId: d.seriousListingId,
        list: d.list,
        severity: d.severity,
        issuingDepartment: d.issuingDepartment,
        legalBasis: d.legalBasis,
        reason: d.reason,
        startDate: d.movedOn,
        minDisclosureUntil: d.minDisclosureUntil,
        maxDisclosureUntil: d.maxDisclosureUntil,
        stage: "effective",
        repairPending: false,
        movedFrom: d.listingId,
      };
      return { ...moved, listings: { ...moved.listings, [d.seriousListingId]: serious } };
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
    case "ErasureRequested": {
      const { request, requestedOn } = event.data;
      return { ...state, erasureRequested: { request, requestedOn } };
    }
    case "IdentityErased": {
      const { erasureRequested: _pending, ...rest } = state;
      return { ...rest, erased: true };
    }
  }
}

/**
 * The date a still-listed 经营异常名录 entry moves to the 严重违法失信名单: recorded on the entry, or (an entry
 * recorded before that was) its listing date plus the measures list's period.
 */
export function seriousListDate(listing: Listing, seriousListAfterMonths: number): string {
  return listing.seriousListOn ?? addMonths(listing.startDate, seriousListAfterMonths);
}

/** The entries in force now: effective, not yet ended. */
export function effectiveListings(state: RegisteredSubject): Listing[] {
  return Object.values(state.listings).filter((l) => l.stage === "effective");
}
