import {
  type ApprovalEventData,
  approvalEventTypes,
  type DepartmentRef,
  type SubjectRef,
  topics,
} from "@gov/contracts";

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

/**
 * This service's copy of approval's cases (from `CaseOpened` and `CaseDecided` on approval's case topic): which
 * department approved, which supervises, and which permit a decision granted. Rebuilt from the topic on every
 * start; never a call to approval.
 */
export class ApprovalCasesCopy {
  readonly #cases = new Map<string, ApprovalCaseRef>();
  readonly #byPermit = new Map<string, string>();

  apply(event: { type: string; data: unknown }): void {
    if (event.type === approvalEventTypes.CaseOpened) {
      const d = event.data as ApprovalEventData["CaseOpened"];
      this.#cases.set(d.caseId, {
        caseId: d.caseId,
        department: d.matter.department,
        supervisingDepartment: d.matter.supervisingDepartment ?? d.matter.department,
        acceptanceMode: d.acceptanceMode,
        applicant: d.applicant,
        matterId: d.matter.matterId,
        matterVersion: d.matter.version,
        acceptedOn: d.acceptedOn,
      });
    } else if (event.type === approvalEventTypes.CaseDecided) {
      const d = event.data as ApprovalEventData["CaseDecided"];
      const c = this.#cases.get(d.caseId);
      if (c && d.permitId) {
        c.permitId = d.permitId;
        this.#byPermit.set(d.permitId, d.caseId);
      }
    }
  }

  get(caseId: string): ApprovalCaseRef | undefined {
    return this.#cases.get(caseId);
  }

  byPermit(permitId: string): ApprovalCaseRef | undefined {
    const caseId = this.#byPermit.get(permitId);
    return caseId ? this.#cases.get(caseId) : undefined;
  }
}
