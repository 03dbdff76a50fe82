import { type MattersEventData, mattersEventTypes, type PromiseVerification, topics } from "@gov/contracts";
import type { BusProjection, BusProjectionHandle } from "@gov/messaging";

export const mattersTopics = [topics.matters.matter];

export interface MatterFacts {
  promiseVerification: PromiseVerification | null;
  caseKind?: "on-the-spot" | "promised";
  onSiteVisits?: number;
}

const table = (t: (n: string) => string) =>
  `CREATE TABLE ${t("versions")} (matter_id TEXT NOT NULL, version INTEGER NOT NULL, facts TEXT NOT NULL,
     PRIMARY KEY (matter_id, version))`;

/**
 * This service's copy of the catalog: for each published matter version, how a 告知承诺 is verified afterwards
 * (`promiseVerification`, null when the version names none), its 办件类型 and 到现场次数. One row per version in
 * the projection database, kept with the topic's offsets (`startBusProjection`); never a call to matters.
 */
export const mattersCopyProjection: BusProjection = {
  name: "review_matters",
  version: 1,
  topics: mattersTopics,
  migrations: [{ sqlite: table, postgres: table }],
  handlers: {
    [mattersEventTypes.MatterPublished]: async (event, { tx, t }) => {
      const d = event.data as MattersEventData["MatterPublished"];
      const facts: MatterFacts = {
        promiseVerification: d.elements.promiseVerification ?? null,
        ...(d.elements.caseKind ? { caseKind: d.elements.caseKind } : {}),
        ...(typeof d.elements.onSiteVisits === "number" ? { onSiteVisits: d.elements.onSiteVisits } : {}),
      };
      await tx.run(
        `INSERT INTO ${t("versions")} (matter_id, version, facts) VALUES (?, ?, ?)
         ON CONFLICT (matter_id, version) DO UPDATE SET facts = excluded.facts`,
        [d.matterId, d.version, JSON.stringify(facts)],
      );
    },
  },
};

/** The look-ups on the copy of the catalog. */
export class MattersCopy {
  readonly #p: BusProjectionHandle;
  constructor(projection: BusProjectionHandle) {
    this.#p = projection;
  }

  /** `undefined`: the version is not in the copy (yet); `null`: it names no verification rules. */
  async verification(matterId: string, version: number): Promise<PromiseVerification | null | undefined> {
    return (await this.facts(matterId, version))?.promiseVerification;
  }

  /** What the efficiency KPIs read of a version: 办件类型 and 到现场次数 (undefined when not in the copy). */
  async facts(matterId: string, version: number): Promise<MatterFacts | undefined> {
    const row = await this.#p.read(({ db, t }) =>
      db.get<{ facts: string }>(`SELECT facts FROM ${t("versions")} WHERE matter_id = ? AND version = ?`, [
        matterId,
        version,
      ]),
    );
    return row ? (JSON.parse(row.facts) as MatterFacts) : undefined;
  }
}
