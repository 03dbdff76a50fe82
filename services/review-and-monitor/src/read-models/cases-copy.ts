import { type DepartmentRef, intakeEventTypes, topics } from "@gov/contracts";

export const casesTopics = [topics.intake.application];

export interface CaseRef {
  caseId: string;
  /** The applicant's subject id (a pseudonym for a person), to check that an applicant rates its own case. */
  applicant: string;
  department: DepartmentRef;
  matterId: string;
  region: string;
}

/**
 * This service's copy of the cases intake received (from `ApplicationSubmitted` on intake's topic): who applied,
 * and which department handles the case. Rebuilt from the topic on every start; never a call to intake.
 */
export class CasesCopy {
  readonly #cases = new Map<string, CaseRef>();

  apply(event: { type: string; data: unknown }): void {
    if (event.type !== intakeEventTypes.ApplicationSubmitted) return;
    const d = event.data as {
      applicationId: string;
      applicant: { subjectId: string };
      matter: { matterId: string; department: DepartmentRef; region: string };
    };
    this.#cases.set(d.applicationId, {
      caseId: d.applicationId,
      applicant: d.applicant.subjectId,
      department: d.matter.department,
      matterId: d.matter.matterId,
      region: d.matter.region,
    });
  }

  get(caseId: string): CaseRef | undefined {
    return this.#cases.get(caseId);
  }
}
