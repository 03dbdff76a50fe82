import {
  type MatterElements,
  type MatterRef,
  type MattersEventData,
  mattersEventSchemas,
  mattersEventTypes,
  topics,
} from "@gov/contracts";
import type { BusEvent } from "@gov/messaging";

/** The topics intake follows to keep its own copy of the catalog (it never calls the matters service). */
export const mattersTopics = [topics.matters.matter, topics.matters.bundle];

interface MatterCopy {
  status: "published" | "suspended" | "retired";
  current: { version: number; elements: MatterElements };
}

/**
 * Intake's copy of the catalog, from MatterPublished (which carries the full version) and the lifecycle
 * events: enough to check an application against the version in force, and the bundles with their merged
 * material lists. Each event is read through the matters contract's schema.
 */
export class MattersCopy {
  readonly #matters = new Map<string, MatterCopy>();
  readonly #bundles = new Map<string, MattersEventData["BundlePublished"]>();

  apply(event: BusEvent): void {
    switch (event.type) {
      case mattersEventTypes.MatterPublished: {
        const d = mattersEventSchemas.MatterPublished.parse(event.data);
        this.#matters.set(d.matterId, {
          status: "published",
          current: { version: d.version, elements: d.elements },
        });
        break;
      }
      case mattersEventTypes.MatterSuspended:
        this.#set(mattersEventSchemas.MatterSuspended.parse(event.data).matterId, "suspended");
        break;
      case mattersEventTypes.MatterResumed:
        this.#set(mattersEventSchemas.MatterResumed.parse(event.data).matterId, "published");
        break;
      case mattersEventTypes.MatterRetired:
        this.#set(mattersEventSchemas.MatterRetired.parse(event.data).matterId, "retired");
        break;
      case mattersEventTypes.BundlePublished: {
        const d = mattersEventSchemas.BundlePublished.parse(event.data);
        this.#bundles.set(d.bundleId, d);
        break;
      }
      case mattersEventTypes.BundleRetired:
        this.#bundles.delete(mattersEventSchemas.BundleRetired.parse(event.data).bundleId);
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
