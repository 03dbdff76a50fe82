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

export class Catalog {
  readonly #matters = new Map<string, MatterView>();
  readonly #bundles = new Map<string, BundleView>();
  readonly #baselines = new Map<BaselineMeasure, BaselineView>();

  apply(event: CatalogEvent): void {
    switch (event.type) {
      case t.MatterDrafted: {
        const d = event.data as MattersEventData["MatterDrafted"];
        const existing = this.#matters.get(d.matterId);
        if (existing) existing.draftVersion = d.version;
        else {
          this.#matters.set(d.matterId, {
            matterId: d.matterId,
            status: "draft",
            department: {
              creditCode: d.elements.implementingDepartment.creditCode,
              name: d.elements.implementingDepartment.name,
            },
            claimed: false,
            draftVersion: d.version,
            current: null,
            pendingTransferTo: null,
            versions: [],
          });
        }
        return;
      }
      case t.MatterClaimed:
        this.#update(event, (m) => {
          m.claimed = true;
        });
        return;
      case t.MatterPublished: {
        const d = event.data as MattersEventData["MatterPublished"];
        this.#update(event, (m) => {
          const view = {
            version: d.version,
            effectiveFrom: d.effectiveFrom,
            publishedAt: event.time,
            elements: d.elements,
          };
          m.current = view;
          m.versions.push(view);
          m.status = "published";
          m.draftVersion = null;
          m.department = {
            creditCode: d.elements.implementingDepartment.creditCode,
            name: d.elements.implementingDepartment.name,
          };
        });
        return;
      }
      case t.MatterSuspended:
        this.#update(event, (m) => {
          m.status = "suspended";
        });
        return;
      case t.MatterResumed:
        this.#update(event, (m) => {
          m.status = "published";
        });
        return;
      case t.MatterRetired:
        this.#update(event, (m) => {
          m.status = "retired";
        });
        return;
      case t.MatterTransferRequested: {
        const d = event.data as MattersEventData["MatterTransferRequested"];
        this.#update(event, (m) => {
          m.pendingTransferTo = d.to;
        });
        return;
      }
      case t.MatterTransferConfirmed: {
        const d = event.data as MattersEventData["MatterTransferConfirmed"];
        this.#update(event, (m) => {
          m.pendingTransferTo = null;
          m.department = d.to;
        });
        return;
      }
      case t.MatterTransferCancelled:
        this.#update(event, (m) => {
          m.pendingTransferTo = null;
        });
        return;
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

  #update(event: CatalogEvent, change: (m: MatterView) => void): void {
    const m = this.#matters.get((event.data as { matterId: string }).matterId);
    if (m) change(m);
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
    return [...this.#bundles.values()].sort((a, b) => a.bundleId.localeCompare(b.bundleId));
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
      .sort((a, b) => a.matterId.localeCompare(b.matterId));
  }

  /** Plain JSON of the whole model, for the rebuild-equals-live check. */
  snapshot(): { matters: MatterView[]; bundles: BundleView[]; baselines: BaselineView[] } {
    const matters = [...this.#matters.values()].sort((a, b) => a.matterId.localeCompare(b.matterId));
    const baselines = [...this.#baselines.values()].sort((a, b) => a.measure.localeCompare(b.measure));
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
