import {
  type ApprovalEventData,
  approvalEventTypes,
  type DepartmentRef,
  type SubjectRef,
  topics,
} from "@gov/contracts";
import type { BusProjection, BusProjectionHandle } from "@gov/messaging";

export const approvalCaseTopics = [topics.approval.case];

export interface ApprovalCaseRef {
  caseId: string;
  department: DepartmentRef;
  /** 监管主体; the approving department when the matter names none ("谁审批、谁监管"). */
  supervisingDepartment: DepartmentRef;
  permitId?: string;
  /** 受理方式: a permit granted under 告知承诺 (`informed-commitment`) gets a verification task. */
  acceptanceMode: ApprovalEventData["CaseOpened"]["acceptanceMode"];
  applicant: SubjectRef;
  matterId: string;
  matterVersion: number;
  acceptedOn: string;
}

const table = (t: (n: string) => string) => `
  CREATE TABLE ${t("cases")} (case_id TEXT PRIMARY KEY, permit_id TEXT, ref TEXT NOT NULL);
  CREATE INDEX ${t("by_permit")} ON ${t("cases")} (permit_id) WHERE permit_id IS NOT NULL;
`;

/**
 * This service's copy of approval's cases (from `CaseOpened` and `CaseDecided` on approval's case topic): which
 * department approved, which supervises, and which permit a decision granted. One row per case in the projection
 * database, kept with the topic's offsets (`startBusProjection`); never a call to approval.
 */
export const approvalCasesProjection: BusProjection = {
  name: "review_approval_cases",
  version: 1,
  topics: approvalCaseTopics,
  migrations: [{ sqlite: table, postgres: table }],
  handlers: {
    [approvalEventTypes.CaseOpened]: async (event, { tx, t }) => {
      const d = event.data as ApprovalEventData["CaseOpened"];
      const ref: ApprovalCaseRef = {
        caseId: d.caseId,
        department: d.matter.department,
        supervisingDepartment: d.matter.supervisingDepartment ?? d.matter.department,
        acceptanceMode: d.acceptanceMode,
        applicant: d.applicant,
        matterId: d.matter.matterId,
        matterVersion: d.matter.version,
        acceptedOn: d.acceptedOn,
      };
      await tx.run(
        `INSERT INTO ${t("cases")} (case_id, permit_id, ref) VALUES (?, NULL, ?)
         ON CONFLICT (case_id) DO UPDATE SET ref = excluded.ref`,
        [d.caseId, JSON.stringify(ref)],
      );
    },
    [approvalEventTypes.CaseDecided]: async (event, { tx, t }) => {
      const d = event.data as ApprovalEventData["CaseDecided"];
      if (!d.permitId) return;
      const row = await tx.get<{ ref: string }>(`SELECT ref FROM ${t("cases")} WHERE case_id = ?`, [
        d.caseId,
      ]);
      if (!row) return;
      const ref = { ...(JSON.parse(row.ref) as ApprovalCaseRef), permitId: d.permitId };
      await tx.run(`UPDATE ${t("cases")} SET permit_id = ?, ref = ? WHERE case_id = ?`, [
        d.permitId,
        JSON.stringify(ref),
        d.caseId,
      ]);
    },
  },
};

/** The look-ups on the copy of approval's cases. */
export class ApprovalCasesCopy {
  readonly #p: BusProjectionHandle;
  constructor(projection: BusProjectionHandle) {
    this.#p = projection;
  }

  async get(caseId: string): Promise<ApprovalCaseRef | undefined> {
    return this.#one("case_id", caseId);
  }

  async byPermit(permitId: string): Promise<ApprovalCaseRef | undefined> {
    return this.#one("permit_id", permitId);
  }

  async #one(column: "case_id" | "permit_id", value: string) {
    const row = await this.#p.read(({ db, t }) =>
      db.get<{ ref: string }>(`SELECT ref FROM ${t("cases")} WHERE ${column} = ?`, [value]),
    );
    return row ? (JSON.parse(row.ref) as ApprovalCaseRef) : undefined;
  }
}
