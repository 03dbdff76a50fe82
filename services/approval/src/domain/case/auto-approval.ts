import type { AutoApprovalRules, MaterialProvision, SubjectRef } from "@gov/contracts";

export interface EligibilityFacts {
  allowsAutoApproval: boolean;
  rules?: AutoApprovalRules;
  acceptanceMode: "complete" | "deferred-materials" | "informed-commitment" | "deemed";
  materials: MaterialProvision[];
  applicant: SubjectRef;
  strictReview: boolean;
}

export interface Reason {
  rule: string;
  detail: string;
}

/** How a material counts as "at hand" for 秒批: a file, an electronic-certificate reference, or obtained by the department. */
const AT_HAND = new Set(["provided", "certificate", "obtained-by-department"]);

/**
 * 秒批 eligibility: the matter version's rules, read as data (国办发〔2022〕5号 智能审批 "即报即批、即批即得"). Every rule
 * that fails is a reason; none failing means eligible. The credit gate holds whatever the rules say: an applicant
 * under strict review is never auto-approved (国办发〔2019〕35号 §二(七)).
 */
export function autoApprovalReasons(f: EligibilityFacts): Reason[] {
  if (!f.allowsAutoApproval || !f.rules)
    return [{ rule: "matter", detail: "the matter version does not allow 秒批" }];
  const reasons: Reason[] = [];
  const r = f.rules;
  if (r.noDeferredMaterials && f.acceptanceMode === "deferred-materials")
    reasons.push({ rule: "acceptance-mode", detail: "accepted under 容缺: materials are still outstanding" });
  if (r.allMaterialsProvided) {
    const missing = f.materials.filter((m) => !AT_HAND.has(m.provision)).map((m) => m.materialId);
    if (missing.length > 0)
      reasons.push({ rule: "materials", detail: `not provided: ${missing.join(", ")}` });
  }
  if (!r.applicantKinds.includes(f.applicant.kind))
    reasons.push({ rule: "applicant-kind", detail: `${f.applicant.kind} applicants are not auto-approved` });
  if (f.strictReview)
    reasons.push({ rule: "credit", detail: "the applicant is under strict credit review (信用审查从严)" });
  return reasons;
}
