import type { CreditEventData, CreditList, CreditMeasures, CreditStatus, Severity } from "@gov/contracts";
import type { Json } from "@gov/eventsourcing";
import { subjectTypes } from "../application/subjects.ts";
import { type MeasuresList, measuresV1 } from "../domain/measures.ts";
import {
  evolveSubject,
  initialSubjectState,
  type Listing,
  type SubjectEvent,
  type SubjectState,
  seriousListDate,
} from "../domain/subject/subject.ts";

export type ListingView = Listing & { source: CreditEventData["ListingProposed"]["source"] };

export interface SubjectView {
  subjectId: string;
  kind: "person" | "organisation";
  /** Organisations only (not personal data). */
  organisation?: { creditCode: string; name: string; checksumOk: boolean };
  /** Persons only: the sealed identity (opened only for credit administrators), absent once erased. */
  identity?: CreditEventData["SubjectRegistered"]["identity"];
  erased: boolean;
  /** An erasure requested and not yet confirmed: the identity is no longer shown. */
  erasure?: "requested";
  status: CreditStatus;
  measures?: CreditMeasures;
  measuresVersion?: string;
  causes: { listingId: string; list: CreditList; severity?: Severity }[];
  listings: ListingView[];
  history: { position: string; type: string; time: string; listingId?: string }[];
}

type Due = {
  subjectId: string;
  listingId: string;
  action: "TakeEffect" | "ExpireListing" | "MoveToSeriousIllegalDishonestyList";
};

export interface RegistryEvent {
  type: string;
  data: Json;
  time: string;
  position: string;
}

/**
 * Every subject's status, entries and history, kept from the log (category `subject`). Other services keep
 * their own copy from CreditStatusChanged; this one also serves the scheduler's due lists.
 */
export class CreditRegistry {
  readonly #subjects = new Map<string, { view: SubjectView; state: SubjectState }>();
  /** Where each entry came from (by `subjectId/listingId`), which the decider's state does not keep. */
  readonly #sources = new Map<string, CreditEventData["ListingProposed"]["source"]>();

  /** The measures list the scheduler works under (for 经营异常名录 entries recorded without their move date). */
  readonly #measures: MeasuresList;

  constructor(measures: MeasuresList = measuresV1) {
    this.#measures = measures;
  }

  apply(recorded: RegistryEvent): void {
    const event = subjectTypes.toDomain(recorded);
    if (!event) return;
    if (event.type === "SubjectRegistered") {
      const d = event.data;
      const view: SubjectView = {
        subjectId: d.subjectId,
        kind: d.kind,
        ...(d.organisation ? { organisation: d.organisation } : {}),
        ...(d.identity ? { identity: d.identity } : {}),
        erased: false,
        status: "normal",
        causes: [],
        listings: [],
        history: [],
      };
      this.#subjects.set(d.subjectId, { view, state: initialSubjectState() });
    }
    const entry = this.#subjects.get(subjectOf(event));
    if (!entry) return;
    const { view } = entry;
    // The entries' stages follow the decider's own evolve: one definition of an entry's life.
    entry.state = evolveSubject(entry.state, event);
    const listingId = "listingId" in event.data ? (event.data.listingId as string) : undefined;
    view.history.push({
      position: recorded.position,
      type: recorded.type,
      time: recorded.time,
      ...(listingId ? { listingId } : {}),
    });
    if (event.type === "ListingProposed" || event.type === "AbnormalOperationListingProposed")
      this.#sources.set(`${view.subjectId}/${event.data.listingId}`, event.data.source);
    if (event.type === "CreditStatusChanged") {
      const { status, measures, measuresVersion, causes } = event.data;
      Object.assign(view, { status, measures, measuresVersion, causes });
    }
    if (event.type === "ErasureRequested") {
      view.erasure = "requested";
      delete view.identity;
    }
    if (event.type === "IdentityErased") {
      view.erased = true;
      delete view.erasure;
      delete view.identity;
    }
    if (entry.state.status === "registered") {
      view.listings = Object.values(entry.state.listings).map((l) => ({
        ...l,
        source: this.#sources.get(`${view.subjectId}/${l.listingId}`) ?? { kind: "manual" },
      }));
    }
  }

  get(subjectId: string): SubjectView | undefined {
    return this.#subjects.get(subjectId)?.view;
  }

  all(): SubjectView[] {
    return [...this.#subjects.values()].map((e) => e.view);
  }

  /** Entries in force on a list (public disclosure): organisations by code and name, persons by subject id. */
  onList(
    list: CreditList,
  ): { subjectId: string; organisation?: SubjectView["organisation"]; listing: ListingView }[] {
    return this.all().flatMap((s) =>
      s.listings
        .filter((l) => l.list === list && l.stage === "effective")
        .map((listing) => ({
          subjectId: s.subjectId,
          ...(s.organisation ? { organisation: s.organisation } : {}),
          listing,
        })),
    );
  }

  /**
   * What the scheduler must look at on `today`: windows closed, maximum periods reached, 经营异常名录 entries
   * still listed at the end of their period (never expired: they have no maximum).
   */
  due(today: string): Due[] {
    const seriousAfter = this.#measures.abnormalOperation.seriousListAfterMonths;
    return this.all().flatMap((s) =>
      s.listings.flatMap((l): Due[] => {
        const due = (action: Due["action"]) => [{ subjectId: s.subjectId, listingId: l.listingId, action }];
        if (l.stage === "notified" && l.objectionDeadline && today > l.objectionDeadline)
          return due("TakeEffect");
        if (l.stage !== "effective") return [];
        if (l.list === "abnormal-operation") {
          const waiting = l.removal?.status === "requested";
          return !waiting && today >= seriousListDate(l, seriousAfter)
            ? due("MoveToSeriousIllegalDishonestyList")
            : [];
        }
        if (l.maxDisclosureUntil && today >= l.maxDisclosureUntil) return due("ExpireListing");
        return [];
      }),
    );
  }

  /** For the rebuild check. */
  snapshot(): SubjectView[] {
    return this.all().sort((a, b) => a.subjectId.localeCompare(b.subjectId));
  }
}

function subjectOf(event: SubjectEvent): string {
  return event.type === "CreditStatusChanged" ? event.data.subject.subjectId : event.data.subjectId;
}
