import { type MatterElements, mattersEventSchemas, mattersEventTypes, topics } from "@gov/contracts";
import type { BusEvent } from "@gov/messaging";

/** The topic approval follows to keep its own copy of the catalog (it never calls the matters service). */
export const mattersTopics = [topics.matters.matter];

/**
 * Approval's copy of the catalog: every published version of every matter (a case runs under the version its
 * application was accepted under, whatever was published since), from MatterPublished, read through the
 * matters contract's schema. Fed by an ephemeral subscription from the start of the topic, as intake's copy is.
 */
export class MattersCopy {
  readonly #versions = new Map<string, Map<number, MatterElements>>();

  apply(event: BusEvent): void {
    if (event.type !== mattersEventTypes.MatterPublished) return;
    const d = mattersEventSchemas.MatterPublished.parse(event.data);
    const versions = this.#versions.get(d.matterId) ?? new Map<number, MatterElements>();
    versions.set(d.version, d.elements);
    this.#versions.set(d.matterId, versions);
  }

  version(matterId: string, version: number): MatterElements | undefined {
    return this.#versions.get(matterId)?.get(version);
  }

  get size(): number {
    return this.#versions.size;
  }
}
