import {
  type MatterElements,
  type MatterRef,
  type MattersEventData,
  mattersEventSchemas,
  mattersEventTypes,
  topics,
} from "@gov/contracts";
import type { ProjectionContext } from "@gov/eventsourcing/projections";
import type { BusProjection, BusProjectionHandle } from "@gov/messaging";

/** The topics intake follows to keep its own copy of the catalog (it never calls the matters service). */
export const mattersTopics = [topics.matters.matter, topics.matters.bundle];

const ddl = (t: (n: string) => string, big: string) => `
  CREATE TABLE ${t("matters")} (
    matter_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    version ${big} NOT NULL,
    elements TEXT NOT NULL
  );
  CREATE TABLE ${t("bundles")} (bundle_id TEXT PRIMARY KEY, bundle TEXT NOT NULL);
`;

const setStatus = async ({ tx, t }: ProjectionContext, matterId: string, status: string) => {
  await tx.run(`UPDATE ${t("matters")} SET status = ? WHERE matter_id = ?`, [status, matterId]);
};

/**
 * Intake's copy of the catalog, from MatterPublished (which carries the full version) and the lifecycle events:
 * enough to check an application against the version in force, and the bundles with their merged material
 * lists. Each event is read through the matters contract's schema. Kept in intake's projection database with the
 * topics' offsets (`startBusProjection`): a restart does not read the topics again.
 */
export const mattersCopyProjection: BusProjection = {
  name: "intake_matters",
  version: 1,
  topics: mattersTopics,
  migrations: [{ sqlite: (t) => ddl(t, "INTEGER"), postgres: (t) => ddl(t, "BIGINT") }],
  handlers: {
    [mattersEventTypes.MatterPublished]: async (event, { tx, t }) => {
      const d = mattersEventSchemas.MatterPublished.parse(event.data);
      await tx.run(
        `INSERT INTO ${t("matters")} (matter_id, status, version, elements) VALUES (?, 'published', ?, ?)
         ON CONFLICT (matter_id) DO UPDATE SET status = excluded.status, version = excluded.version,
           elements = excluded.elements`,
        [d.matterId, d.version, JSON.stringify(d.elements)],
      );
    },
    [mattersEventTypes.MatterSuspended]: (event, ctx) =>
      setStatus(ctx, mattersEventSchemas.MatterSuspended.parse(event.data).matterId, "suspended"),
    [mattersEventTypes.MatterResumed]: (event, ctx) =>
      setStatus(ctx, mattersEventSchemas.MatterResumed.parse(event.data).matterId, "published"),
    [mattersEventTypes.MatterRetired]: (event, ctx) =>
      setStatus(ctx, mattersEventSchemas.MatterRetired.parse(event.data).matterId, "retired"),
    [mattersEventTypes.BundlePublished]: async (event, { tx, t }) => {
      const d = mattersEventSchemas.BundlePublished.parse(event.data);
      await tx.run(
        `INSERT INTO ${t("bundles")} (bundle_id, bundle) VALUES (?, ?)
         ON CONFLICT (bundle_id) DO UPDATE SET bundle = excluded.bundle`,
        [d.bundleId, JSON.stringify(d)],
      );
    },
    [mattersEventTypes.BundleRetired]: async (event, { tx, t }) => {
      const d = mattersEventSchemas.BundleRetired.parse(event.data);
      await tx.run(`DELETE FROM ${t("bundles")} WHERE bundle_id = ?`, [d.bundleId]);
    },
  },
};

/** The queries on intake's copy of the catalog. */
export class MattersCopy {
  readonly #p: BusProjectionHandle;
  constructor(projection: BusProjectionHandle) {
    this.#p = projection;
  }

  /** The version in force, or why an application cannot be made for it now. */
  async inForce(
    matterId: string,
  ): Promise<{ ref: MatterRef; elements: MatterElements } | { problem: string }> {
    const m = await this.#p.read(({ db, t }) =>
      db.get<{ status: string; version: number | string; elements: string }>(
        `SELECT status, version, elements FROM ${t("matters")} WHERE matter_id = ?`,
        [matterId],
      ),
    );
    if (!m) return { problem: `no published matter ${matterId}` };
    if (m.status !== "published") return { problem: `matter ${matterId} is ${m.status}` };
    const e = JSON.parse(m.elements) as MatterElements;
    return {
      elements: e,
      ref: {
        matterId,
        version: Number(m.version),
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

  async bundle(bundleId: string): Promise<MattersEventData["BundlePublished"] | undefined> {
    const row = await this.#p.read(({ db, t }) =>
      db.get<{ bundle: string }>(`SELECT bundle FROM ${t("bundles")} WHERE bundle_id = ?`, [bundleId]),
    );
    return row && (JSON.parse(row.bundle) as MattersEventData["BundlePublished"]);
  }

  /** How many matters the copy holds. */
  async size(): Promise<number> {
    const row = await this.#p.read(({ db, t }) =>
      db.get<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${t("matters")}`),
    );
    return Number(row?.n ?? 0);
  }
}
