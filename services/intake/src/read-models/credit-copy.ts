import { creditEventTypes, creditStatusChanged, type IntakeEventData, topics } from "@gov/contracts";
import type { BusProjection, BusProjectionHandle } from "@gov/messaging";

/** The topic intake follows to keep its own copy of credit statuses (it never calls the credit service). */
export const creditTopics = [topics.credit.subject];

type CreditSeen = IntakeEventData["ApplicationSubmitted"]["credit"];

/** An unknown subject: no entries, so `normal` with the default measures. */
const normal: CreditSeen = {
  status: "normal",
  deferredMaterials: true,
  informedCommitment: true,
  autoApproval: true,
  priority: false,
};

/**
 * Intake's copy of every subject's credit status and measures, from CreditStatusChanged: one row per subject in
 * intake's projection database (it grows with the register, so it is not held in memory), kept with the topic's
 * offsets (`startBusProjection`).
 */
export const creditCopyProjection: BusProjection = {
  name: "intake_credit",
  version: 1,
  topics: creditTopics,
  migrations: [
    {
      sqlite: (t) => `CREATE TABLE ${t("subjects")} (subject_id TEXT PRIMARY KEY, seen TEXT NOT NULL)`,
      postgres: (t) => `CREATE TABLE ${t("subjects")} (subject_id TEXT PRIMARY KEY, seen TEXT NOT NULL)`,
    },
  ],
  handlers: {
    [creditEventTypes.CreditStatusChanged]: async (event, { tx, t }) => {
      const d = creditStatusChanged.parse(event.data);
      const seen: CreditSeen = {
        status: d.status,
        measuresVersion: d.measuresVersion,
        deferredMaterials: d.measures.deferredMaterials,
        informedCommitment: d.measures.informedCommitment,
        autoApproval: d.measures.autoApproval,
        priority: d.measures.priority,
      };
      await tx.run(
        `INSERT INTO ${t("subjects")} (subject_id, seen) VALUES (?, ?)
         ON CONFLICT (subject_id) DO UPDATE SET seen = excluded.seen`,
        [d.subject.subjectId, JSON.stringify(seen)],
      );
    },
  },
};

/** The queries on intake's copy of credit statuses. */
export class CreditCopy {
  readonly #p: BusProjectionHandle;
  constructor(projection: BusProjectionHandle) {
    this.#p = projection;
  }

  async of(subjectId: string): Promise<CreditSeen> {
    const row = await this.#p.read(({ db, t }) =>
      db.get<{ seen: string }>(`SELECT seen FROM ${t("subjects")} WHERE subject_id = ?`, [subjectId]),
    );
    return row ? (JSON.parse(row.seen) as CreditSeen) : normal;
  }
}
