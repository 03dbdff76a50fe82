import { type MattersEventData, mattersEventTypes, type PromiseVerification, topics } from "@gov/contracts";

export const mattersTopics = [topics.matters.matter];

/**
 * This service's copy of the catalog: for each published matter version, how a 告知承诺 is verified afterwards
 * (`promiseVerification`, absent when the version names none). Rebuilt from matters' topic on every start; never a
 * call to matters.
 */
export class MattersCopy {
  readonly #versions = new Map<string, MatterFacts>();

  apply(event: { type: string; data: unknown }): void {
    if (event.type !== mattersEventTypes.MatterPublished) return;
    const d = event.data as MattersEventData["MatterPublished"];
    this.#versions.set(`${d.matterId}@${d.version}`, {
      promiseVerification: d.elements.promiseVerification ?? null,
      ...(d.elements.caseKind ? { caseKind: d.elements.caseKind } : {}),
      ...(typeof d.elements.onSiteVisits === "number" ? { onSiteVisits: d.elements.onSiteVisits } : {}),
    });
  }

  /** `undefined`: the version is not in the copy (yet); `null`: it names no verification rules. */
  verification(matterId: string, version: number): PromiseVerification | null | undefined {
    return this.#versions.get(`${matterId}@${version}`)?.promiseVerification;
  }

  /** What the efficiency KPIs read of a version: 办件类型 and 到现场次数 (absent when not in the copy). */
  facts(matterId: string, version: number): MatterFacts | undefined {
    return this.#versions.get(`${matterId}@${version}`);
  }
}

export interface MatterFacts {
  promiseVerification: PromiseVerification | null;
  caseKind?: "on-the-spot" | "promised";
  onSiteVisits?: number;
}
