import {
  type ApprovalEventData,
  creditEventTypes,
  creditStatusChanged,
  falsePromiseFound,
  reviewAndMonitorEventTypes,
  topics,
} from "@gov/contracts";
import type { BusProjection, BusProjectionHandle } from "@gov/messaging";

/** The topics approval follows for its copy of credit statuses (and of false-promise findings): it never calls credit. */
export const creditTopics = [topics.credit.subject, topics.reviewAndMonitor.finding];

type CaseCredit = ApprovalEventData["CaseOpened"]["credit"];

const ddl = (t: (n: string) => string) => `
  CREATE TABLE ${t("subjects")} (
    subject_id TEXT PRIMARY KEY,
    status TEXT,
    past_false_promise INTEGER NOT NULL
  );
`;

/**
 * Approval's copy of each subject's credit status (CreditStatusChanged) and of past false promises
 * (FalsePromiseFound, 国办发〔2020〕42号): what the credit gate reads when a case opens. One row per subject in
 * approval's projection database (it grows with the register, so it is not held in memory), kept with the
 * topics' offsets (`startBusProjection`).
 */
export const creditCopyProjection: BusProjection = {
  name: "approval_credit",
  version: 1,
  topics: creditTopics,
  migrations: [{ sqlite: ddl, postgres: ddl }],
  handlers: {
    [creditEventTypes.CreditStatusChanged]: async (event, { tx, t }) => {
      const d = creditStatusChanged.parse(event.data);
      await tx.run(
        `INSERT INTO ${t("subjects")} (subject_id, status, past_false_promise) VALUES (?, ?, 0)
         ON CONFLICT (subject_id) DO UPDATE SET status = excluded.status`,
        [d.subject.subjectId, d.status],
      );
    },
    [reviewAndMonitorEventTypes.FalsePromiseFound]: async (event, { tx, t }) => {
      const d = falsePromiseFound.parse(event.data);
      await tx.run(
        `INSERT INTO ${t("subjects")} (subject_id, status, past_false_promise) VALUES (?, NULL, 1)
         ON CONFLICT (subject_id) DO UPDATE SET past_false_promise = 1`,
        [d.subject.subjectId],
      );
    },
  },
};

/**
 * The credit gate on approval's copy: black list (strict review) or a past false promise → strict review; red
 * list → green channel. An unknown subject is `normal`.
 */
export function caseCredit(status: CaseCredit["status"], pastFalsePromise: boolean): CaseCredit {
  return {
    status: pastFalsePromise && status !== "strict-review" ? "strict-review" : status,
    pastFalsePromise,
    strictReview: status === "strict-review" || pastFalsePromise,
    greenChannel: status === "green-channel" && !pastFalsePromise,
  };
}

/** The queries on approval's copy of credit statuses. */
export class CreditCopy {
  readonly #p: BusProjectionHandle;
  constructor(projection: BusProjectionHandle) {
    this.#p = projection;
  }

  async of(subjectId: string): Promise<CaseCredit> {
    const row = await this.#p.read(({ db, t }) =>
      db.get<{ status: string | null; past_false_promise: number | string }>(
        `SELECT status, past_false_promise FROM ${t("subjects")} WHERE subject_id = ?`,
        [subjectId],
      ),
    );
    const status = (row?.status ?? "normal") as CaseCredit["status"];
    return caseCredit(status, Number(row?.past_false_promise ?? 0) === 1);
  }
}
