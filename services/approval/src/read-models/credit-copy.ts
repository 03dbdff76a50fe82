import {
  type ApprovalEventData,
  creditEventTypes,
  creditStatusChanged,
  falsePromiseFound,
  reviewAndMonitorEventTypes,
  topics,
} from "@gov/contracts";
import type { BusEvent } from "@gov/messaging";

/** The topics approval follows for its copy of credit statuses (and of false-promise findings): it never calls credit. */
export const creditTopics = [topics.credit.subject, topics.reviewAndMonitor.finding];

type CaseCredit = ApprovalEventData["CaseOpened"]["credit"];

/**
 * Approval's copy of each subject's credit status (CreditStatusChanged) and of past false promises
 * (FalsePromiseFound, 国办发〔2020〕42号 §三(三)): what the credit gate reads when a case opens. An unknown subject
 * is `normal`.
 */
export class CreditCopy {
  readonly #status = new Map<string, CaseCredit["status"]>();
  readonly #falsePromise = new Set<string>();

  apply(event: BusEvent): void {
    if (event.type === creditEventTypes.CreditStatusChanged) {
      const d = creditStatusChanged.parse(event.data);
      this.#status.set(d.subject.subjectId, d.status);
    } else if (event.type === reviewAndMonitorEventTypes.FalsePromiseFound) {
      this.#falsePromise.add(falsePromiseFound.parse(event.data).subject.subjectId);
    }
  }

  /** The credit gate: black list (strict review) or a past false promise → strict review; red list → green channel. */
  of(subjectId: string): CaseCredit {
    const status = this.#status.get(subjectId) ?? "normal";
    const pastFalsePromise = this.#falsePromise.has(subjectId);
    return {
      status: pastFalsePromise && status !== "strict-review" ? "strict-review" : status,
      pastFalsePromise,
      strictReview: status === "strict-review" || pastFalsePromise,
      greenChannel: status === "green-channel" && !pastFalsePromise,
    };
  }
}
