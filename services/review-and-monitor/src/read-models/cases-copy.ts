import { type DepartmentRef, intakeEventTypes, topics } from "@gov/contracts";
import type { BusProjection, BusProjectionHandle } from "@gov/messaging";

export const casesTopics = [topics.intake.application];

export interface CaseRef {
  caseId: string;
  /** The applicant's subject id (a pseudonym for a person), to check that an applicant rates its own case. */
  applicant: string;
  department: DepartmentRef;
  matterId: string;
  region: string;
}

const table = (t: (n: string) => string) =>
  `CREATE TABLE ${t("cases")} (case_id TEXT PRIMARY KEY, ref TEXT NOT NULL)`;

/**
 * This service's copy of the cases intake received (from `ApplicationSubmitted` on intake's topic): who applied,
 * and which department handles the case. One row per case in the projection database, kept with the topic's
 * offsets (`startBusProjection`, docs/projections.md): it grows with the applications, so it is not held in memory,
 * and a restart resumes where it was. Never a call to intake.
 */
export const casesCopyProjection: BusProjection = {
  name: "review_cases",
  version: 1,
  topics: casesTopics,
  migrations: [{ sqlite: table, postgres: table }],
  handlers: {
    [intakeEventTypes.ApplicationSubmitted]: async (event, { tx, t }) => {
      const d = event.data as {
        applicationId: string;
        applicant: { subjectId: string };
        matter: { matterId: string; department: DepartmentRef; region: string };
      };
      const ref: CaseRef = {
        caseId: d.applicationId,
        applicant: d.applicant.subjectId,
        department: d.matter.department,
        matterId: d.matter.matterId,
        region: d.matter.region,
      };
      await tx.run(
        `INSERT INTO ${t("cases")} (case_id, ref) VALUES (?, ?) ON CONFLICT (case_id) DO UPDATE SET ref = excluded.ref`,
        [ref.caseId, JSON.stringify(ref)],
      );
    },
  },
};

/** The look-up on the copy of intake's cases. */
export class CasesCopy {
  readonly #p: BusProjectionHandle;
  constructor(projection: BusProjectionHandle) {
    this.#p = projection;
  }

  async get(caseId: string): Promise<CaseRef | undefined> {
    const row = await this.#p.read(({ db, t }) =>
      db.get<{ ref: string }>(`SELECT ref FROM ${t("cases")} WHERE case_id = ?`, [caseId]),
    );
    return row ? (JSON.parse(row.ref) as CaseRef) : undefined;
  }
}
