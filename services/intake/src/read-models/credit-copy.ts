import { creditEventTypes, creditStatusChanged, type IntakeEventData, topics } from "@gov/contracts";
import type { BusEvent } from "@gov/messaging";

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

/** Intake's copy of every subject's credit status and measures, from CreditStatusChanged. */
export class CreditCopy {
  readonly #subjects = new Map<string, CreditSeen>();

  apply(event: BusEvent): void {
    if (event.type !== creditEventTypes.CreditStatusChanged) return;
    const d = creditStatusChanged.parse(event.data);
    this.#subjects.set(d.subject.subjectId, {
      status: d.status,
      measuresVersion: d.measuresVersion,
      deferredMaterials: d.measures.deferredMaterials,
      informedCommitment: d.measures.informedCommitment,
      autoApproval: d.measures.autoApproval,
      priority: d.measures.priority,
    });
  }

  of(subjectId: string): CreditSeen {
    return this.#subjects.get(subjectId) ?? normal;
  }
}
