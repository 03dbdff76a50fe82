import type { CreditEventData, CreditList, CreditMeasures, CreditStatus, Severity } from "@gov/contracts";
import type { Json } from "@gov/eventsourcing";
import { subjectTypes } from "../application/subjects.ts";
import { addDays } from "../domain/dates.ts";
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

export type Due = {
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

/** Where each entry came from (by listing id), which the decider's state does not keep. */
type Sources = Record<string, CreditEventData["ListingProposed"]["source"]>;

/** One subject in the registry: its view (without history), the decider's state and its entries' sources. */
export interface RegistryEntry {
  view: Omit<SubjectView, "history">;
  state: SubjectState;
  sources: Sources;
}
export type HistoryItem = SubjectView["history"][number];

/** A list entry in force as disclosed: organisations by code and name, persons by subject id. */
export interface ListItem {
  subjectId: string;
  organisation?: SubjectView["organisation"];
  listing: ListingView;
}

/**
 * Folds one recorded event into a subject's entry (pure; the in-memory registry and the SQL projection share it):
 * the new entry and the history line it adds, or undefined for an event of no registered subject.
 */
export function applyRegistryEvent(
  before: RegistryEntry | undefined,
  recorded: RegistryEvent,
): { entry: RegistryEntry; history: HistoryItem } | undefined {
  const event = subjectTypes.toDomain(recorded);
  if (!event) return undefined;
  let entry = before;
  if (event.type === "SubjectRegistered") {
    const d = event.data;
    entry = {
      view: {
        subjectId: d.subjectId,
        kind: d.kind,
        ...(d.organisation ? { organisation: d.organisation } : {}),
        ...(d.identity ? { identity: d.identity } : {}),
        erased: false,
        status: "normal",
        causes: [],
        listings: [],
      },
      state: initialSubjectState(),
      sources: {},
    };
  }
  if (!entry) return undefined;
  const view = { ...entry.view };
  const sources = { ...entry.sources };
  // The entries' stages follow the decider's own evolve: one definition of an entry's life.
  const state = evolveSubject(entry.state, event);
  const listingId = "listingId" in event.data ? (event.data.listingId as string) : undefined;
  const history: HistoryItem = {
    position: recorded.position,
    type: recorded.type,
    time: recorded.time,
    ...(listingId ? { listingId } : {}),
  };
  if (event.type === "ListingProposed" || event.type === "AbnormalOperationListingProposed")
    sources[event.data.listingId] = event.data.source;
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
  if (state.status === "registered") {
    view.listings = Object.values(state.listings).map((l) => ({
      ...l,
      source: sources[l.listingId] ?? { kind: "manual" },
    }));
  }
  return { entry: { view, state, sources }, history };
}

/**
 * What the scheduler must do about an entry, and from which date (it is due on every day from then on): take
 * effect after the objection window, expire at the maximum period, move a 经营异常名录 entry still listed at the
 * end of its period (never while a removal application waits; it never expires).
 */
export function dueOf(
  l: Listing,
  seriousListAfterMonths: number,
): { action: Due["action"]; from: string } | undefined {
  if (l.stage === "notified" && l.objectionDeadline)
    return { action: "TakeEffect", from: addDays(l.objectionDeadline, 1) };
  if (l.stage !== "effective") return undefined;
  if (l.list === "abnormal-operation")
    return l.removal?.status === "requested"
      ? undefined
      : { action: "MoveToSeriousIllegalDishonestyList", from: seriousListDate(l, seriousListAfterMonths) };
  if (l.maxDisclosureUntil) return { action: "ExpireListing", from: l.maxDisclosureUntil };
  return undefined;
}

/**
 * Every subject's status, entries and history, kept in memory from the log (category `subject`). The service
 * serves its routes from the SQL projection (registry-sql.ts); this model is the reference that a rebuild of the
 * projection is checked against.
 */
export class CreditRegistry {
  readonly #subjects = new Map<string, { entry: RegistryEntry; history: HistoryItem[] }>();

  /** The measures list the scheduler works under (for 经营异常名录 entries recorded without their move date). */
  readonly #measures: MeasuresList;

  constructor(measures: MeasuresList = measuresV1) {
    this.#measures = measures;
  }

  apply(recorded: RegistryEvent): void {
    const event = subjectTypes.toDomain(recorded);
    if (!event) return;
    const subjectId = subjectOf(event);
    const known = this.#subjects.get(subjectId);
    const next = applyRegistryEvent(known?.entry, recorded);
    if (!next) return;
    const history = event.type === "SubjectRegistered" || !known ? [] : known.history;
    history.push(next.history);
    this.#subjects.set(subjectId, { entry: next.entry, history });
  }

  get(subjectId: string): SubjectView | undefined {
    const s = this.#subjects.get(subjectId);
    return s && { ...s.entry.view, history: s.history };
  }

  all(): SubjectView[] {
    return [...this.#subjects.values()].map((s) => ({ ...s.entry.view, history: s.history }));
  }

  /** Entries in force on a list (public disclosure): organisations by code and name, persons by subject id. */
  onList(list: CreditList): ListItem[] {
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

  /** What the scheduler must look at on `today` (see `dueOf`). */
  due(today: string): Due[] {
    const months = this.#measures.abnormalOperation.seriousListAfterMonths;
    return this.all().flatMap((s) =>
      s.listings.flatMap((l): Due[] => {
        const d = dueOf(l, months);
        return d && today >= d.from
          ? [{ subjectId: s.subjectId, listingId: l.listingId, action: d.action }]
          : [];
      }),
    );
  }

  /** For the rebuild check. */
  snapshot(): SubjectView[] {
    return this.all().sort((a, b) => a.subjectId.localeCompare(b.subjectId));
  }
}

export function subjectOf(event: SubjectEvent): string {
  return event.type === "CreditStatusChanged" ? event.data.subject.subjectId : event.data.subjectId;
}
