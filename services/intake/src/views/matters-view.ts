import {
  type MatterElements,
  type MatterRef,
  type MattersEventData,
  matterPublished,
  mattersEventTypes,
} from "@gov/contracts";
import type { BusEvent } from "@gov/messaging";

/** The topics intake follows to keep its own copy of the catalog (it never calls the matters service). */
export const mattersTopics = ["gov.matters.matter.v1", "gov.matters.bundle.v1"];

interface MatterCopy {
  status: "published" | "suspended" | "retired";
  current: { version: number; elements: MatterElements };
}

/**
 * Intake's copy of the catalog, from MatterPublished (which carries the full version) and the lifecycle
 * events: enough to check an application against the version in force, and the bundles with their merged
 * material lists.
 */
export class MattersView {
  readonly #matters = new Map<string, MatterCopy>();
  readonly #bundles = new Map<string, MattersEventData["BundlePublished"]>();

  apply(event: BusEvent): void {
    const data = event.data as Record<string, unknown>;
    const matterId = data.matterId as string;
    switch (event.type) {
      case mattersEventTypes.MatterPublished: {
        const d = matterPublished.parse(event.data);
        this.#matters.set(d.matterId, {
          status: "published",
          current: { version: d.version, elements: d.elements },
        });
        break;
      }
      case mattersEventTypes.MatterSuspended:
        this.#set(matterId, "suspended");
        break;
      case mattersEventTypes.MatterResumed:
        this.#set(matterId, "published");
        break;
      case mattersEventTypes.MatterRetired:
        this.#set(matterId, "retired");
        break;
      case mattersEventTypes.BundlePublished: {
        const d = event.data as MattersEventData["BundlePublished"];
        this.#bundles.set(d.bundleId, d);
        break;
      }
      case mattersEventTypes.BundleRetired:
        this.#bundles.delete((event.data as { bundleId: string }).bundleId);
        break;
    }
  }

  #set(matterId: string, status: MatterCopy["status"]) {
    const m = this.#matters.get(matterId);
    if (m) m.status = status;
  }

  /** The version in force, or why an application cannot be made for it now. */
  inForce(matterId: string): { ref: MatterRef; elements: MatterElements } | { problem: string } {
    const m = this.#matters.get(matterId);
    if (!m) return { problem: `no published matter ${matterId}` };
    if (m.status !== "published") return { problem: `matter ${matterId} is ${m.status}` };
    const e = m.current.elements;
    return {
      elements: e,
      ref: {
        matterId,
        version: m.current.version,
        name: e.name,
        implementationCode: e.implementationCode,
        department: { creditCode: e.implementingDepartment.creditCode, name: e.implementingDepartment.name },
        region: e.region,
        caseKind: e.caseKind,
        promisedTimeLimitDays: e.promisedTimeLimitDays,
        statutoryTimeLimitDays: e.statutoryTimeLimitDays,
        allowsInformedCommitment: e.allowsInformedCommitment,
        allowsDeferredMaterials: e.allowsDeferredMaterials,
        allowsAutoApproval: e.allowsAutoApproval,
      },
    };
  }

  bundle(bundleId: string): MattersEventData["BundlePublished"] | undefined {
    return this.#bundles.get(bundleId);
  }

  get size(): number {
    return this.#matters.size;
  }
}
