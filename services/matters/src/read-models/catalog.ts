import type {
  BaselineMeasure,
  DepartmentRef,
  MatterElements,
  MattersEventData,
  MatterType,
} from "@gov/contracts";
import { mattersEventTypes } from "@gov/contracts";

/**
 * The catalog read model: every matter with its status, current published version and all past versions,
 * every bundle, and the baseline figures the KPIs are measured against. Built only from the matters service's events, so it can be dropped and rebuilt from
 * the log at any time and must come out identical.
 */

export interface PublishedVersionView {
  version: number;
  effectiveFrom: string;
  publishedAt: string;
  elements: MatterElements;
}

export interface MatterView {
  matterId: string;
  status: "draft" | "published" | "suspended" | "retired";
  department: DepartmentRef;
  claimed: boolean;
  draftVersion: number | null;
  current: PublishedVersionView | null;
  pendingTransferTo: DepartmentRef | null;
  versions: PublishedVersionView[];
}

/** A matter as the routes show it: everything but its past versions, which are listed page by page. */
export type MatterSummary = Omit<MatterView, "versions">;

export interface BundleView {
  bundleId: string;
  status: "published" | "retired";
  data: MattersEventData["BundlePublished"];
}

/** The baseline figure in force (its latest version) and when it was recorded. */
export type BaselineView = MattersEventData["BaselineRecorded"] & { recordedAt: string };

/** The part of a stored event a projection needs. */
export interface CatalogEvent {
  type: string;
  time: string;
  data: unknown;
}

const t = mattersEventTypes;

/** Ids in code-point order (as SQL compares them, and as the cursors of paged lists run), not by locale. */
export const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class Catalog {
  readonly #matters = new Map<string, MatterView>();
  readonly #bundles = new Map<string, BundleView>();
  readonly #baselines = new Map<BaselineMeasure, BaselineView>();

  apply(event: CatalogEvent): void {
    switch (event.type) {
      case t.MatterDrafted:
      case t.MatterClaimed:
      case t.MatterPublished:
      case t.MatterSuspended:
      case t.MatterResumed:
      case t.MatterRetired:
      case t.MatterTransferRequested:
      case t.MatterTransferConfirmed:
      case t.MatterTransferCancelled: {
        const matterId = (event.data as { matterId: string }).matterId;
        const existing = this.#matters.get(matterId);
        const next = evolveMatter(existing && summaryOf(existing), event);
        if (!next) return;
        this.#matters.set(matterId, { ...next.matter, versions: existing?.versions ?? [] });
        if (next.published) this.#matters.get(matterId)?.versions.push(next.published);
        return;
      }
      case t.BundlePublished: {
        const d = event.data as MattersEventData["BundlePublished"];
        this.#bundles.set(d.bundleId, { bundleId: d.bundleId, status: "published", data: d });
        return;
      }
      case t.BundleRetired: {
        const d = event.data as MattersEventData["BundleRetired"];
        const b = this.#bundles.get(d.bundleId);
        if (b) b.status = "retired";
        return;
      }
      case t.BaselineRecorded: {
        const d = event.data as MattersEventData["BaselineRecorded"];
        this.#baselines.set(d.measure, { ...d, recordedAt: event.time });
        return;
      }
      default:
        return; // events of other services or newer types this version does not know: ignored
    }
  }

  get(matterId: string): MatterView | undefined {
    return this.#matters.get(matterId);
  }

  /** A past or current published version. */
  version(matterId: string, version: number): PublishedVersionView | undefined {
    return this.#matters.get(matterId)?.versions.find((v) => v.version === version);
  }

  bundle(bundleId: string): BundleView | undefined {
    return this.#bundles.get(bundleId);
  }

  bundles(): BundleView[] {
    return [...this.#bundles.values()].sort((a, b) => byCode(a.bundleId, b.bundleId));
  }

  baseline(measure: BaselineMeasure): BaselineView | undefined {
    return this.#baselines.get(measure);
  }

  search(filter: CatalogFilter = {}): MatterView[] {
    const text = filter.text?.trim().toLowerCase();
    return [...this.#matters.values()]
      .filter((m) => (filter.includeUnpublished ? true : m.current !== null && m.status !== "retired"))
      .filter((m) => !filter.department || m.department.creditCode === filter.department)
      .filter((m) => !filter.status || m.status === filter.status)
      .filter((m) => {
        const e = m.current?.elements;
        if (!e) return !filter.type && !filter.onlineDepth && !filter.caseKind && !text;
        if (filter.type && e.type !== filter.type) return false;
        if (filter.onlineDepth && e.onlineDepth !== filter.onlineDepth) return false;
        if (filter.caseKind && e.caseKind !== filter.caseKind) return false;
        if (
          text &&
          !`${e.name} ${e.basicCode} ${e.implementationCode} ${m.matterId}`.toLowerCase().includes(text)
        ) {
          return false;
        }
        return true;
      })
      .sort((a, b) => byCode(a.matterId, b.matterId));
  }

  /** Plain JSON of the whole model, for the rebuild-equals-live check. */
  snapshot(): { matters: MatterView[]; bundles: BundleView[]; baselines: BaselineView[] } {
    const matters = [...this.#matters.values()].sort((a, b) => byCode(a.matterId, b.matterId));
    const baselines = [...this.#baselines.values()].sort((a, b) => byCode(a.measure, b.measure));
    return structuredClone({ matters, bundles: this.bundles(), baselines });
  }
}

export interface CatalogFilter {
  department?: string;
  type?: MatterType;
  onlineDepth?: 1 | 2 | 3 | 4;
  caseKind?: "on-the-spot" | "promised";
  status?: MatterView["status"];
  text?: string;
  /** Include drafts and retired matters (catalog administrators). */
  includeUnpublished?: boolean;
}

/** A matter without its past versions. */
export function summaryOf(m: MatterView): MatterSummary {
  const { versions: _, ...summary } = m;
  return summary;
}

/**
 * One matter event folded into the matter's summary, and the version it published (if it did). Pure: the
 * in-memory catalog and the SQL projection (catalog-sql.ts) fold with it, so both show the same matter.
 * Undefined when the event changes nothing (an event for a matter never drafted).
 */
export function evolveMatter(
  before: MatterSummary | undefined,
  event: CatalogEvent,
): { matter: MatterSummary; published?: PublishedVersionView } | undefined {
  const departmentOf = (e: MatterElements): DepartmentRef => ({
    creditCode: e.implementingDepartment.creditCode,
    name: e.implementingDepartment.name,
  });
  if (event.type === t.MatterDrafted) {
    const d = event.data as MattersEventData["MatterDrafted"];
    if (before) return { matter: { ...before, draftVersion: d.version } };
    return {
      matter: {
        matterId: d.matterId,
        status: "draft",
        department: departmentOf(d.elements),
        claimed: false,
        draftVersion: d.version,
        current: null,
        pendingTransferTo: null,
      },
    };
  }
  if (!before) return undefined;
  const m = structuredClone(before);
  switch (event.type) {
    case t.MatterClaimed:
      m.claimed = true;
      break;
    case t.MatterPublished: {
      const d = event.data as MattersEventData["MatterPublished"];
      const published = {
        version: d.version,
        effectiveFrom: d.effectiveFrom,
        publishedAt: event.time,
        elements: d.elements,
      };
      m.current = published;
      m.status = "published";
      m.draftVersion = null;
      m.department = departmentOf(d.elements);
      return { matter: m, published };
    }
    case t.MatterSuspended:
      m.status = "suspended";
      break;
    case t.MatterResumed:
      m.status = "published";
      break;
    case t.MatterRetired:
      m.status = "retired";
      break;
    case t.MatterTransferRequested:
      m.pendingTransferTo = (event.data as MattersEventData["MatterTransferRequested"]).to;
      break;
    case t.MatterTransferConfirmed:
      m.pendingTransferTo = null;
      m.department = (event.data as MattersEventData["MatterTransferConfirmed"]).to;
      break;
    case t.MatterTransferCancelled:
      m.pendingTransferTo = null;
      break;
    default:
      return undefined;
  }
  return { matter: m };
}
