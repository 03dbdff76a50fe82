import { type MatterElements, mattersEventSchemas, mattersEventTypes, topics } from "@gov/contracts";
import type { BusProjection, BusProjectionHandle } from "@gov/messaging";

/** The topic approval follows to keep its own copy of the catalog (it never calls the matters service). */
export const mattersTopics = [topics.matters.matter];

const ddl = (t: (n: string) => string, big: string) => `
  CREATE TABLE ${t("versions")} (
    matter_id TEXT NOT NULL,
    version ${big} NOT NULL,
    elements TEXT NOT NULL,
    PRIMARY KEY (matter_id, version)
  );
`;

/**
 * Approval's copy of the catalog: every published version of every matter (a case runs under the version its
 * application was accepted under, whatever was published since), from MatterPublished, read through the matters
 * contract's schema. Kept in approval's projection database with the topic's offsets (`startBusProjection`): a
 * restart does not read the topic again, and the copy is not held in memory.
 */
export const mattersCopyProjection: BusProjection = {
  name: "approval_matters",
  version: 1,
  topics: mattersTopics,
  migrations: [{ sqlite: (t) => ddl(t, "INTEGER"), postgres: (t) => ddl(t, "BIGINT") }],
  handlers: {
    [mattersEventTypes.MatterPublished]: async (event, { tx, t }) => {
      const d = mattersEventSchemas.MatterPublished.parse(event.data);
      await tx.run(
        `INSERT INTO ${t("versions")} (matter_id, version, elements) VALUES (?, ?, ?)
         ON CONFLICT (matter_id, version) DO UPDATE SET elements = excluded.elements`,
        [d.matterId, d.version, JSON.stringify(d.elements)],
      );
    },
  },
};

/** The queries on approval's copy of the catalog. */
export class MattersCopy {
  readonly #p: BusProjectionHandle;
  constructor(projection: BusProjectionHandle) {
    this.#p = projection;
  }

  async version(matterId: string, version: number): Promise<MatterElements | undefined> {
    const row = await this.#p.read(({ db, t }) =>
      db.get<{ elements: string }>(
        `SELECT elements FROM ${t("versions")} WHERE matter_id = ? AND version = ?`,
        [matterId, version],
      ),
    );
    return row ? (JSON.parse(row.elements) as MatterElements) : undefined;
  }

  /** How many matters the copy holds (any version). */
  async size(): Promise<number> {
    const row = await this.#p.read(({ db, t }) =>
      db.get<{ n: number | string }>(`SELECT COUNT(DISTINCT matter_id) AS n FROM ${t("versions")}`),
    );
    return Number(row?.n ?? 0);
  }
}
