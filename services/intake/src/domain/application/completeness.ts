import type { IntakeEventData, MaterialProvision, MatterMaterial } from "@gov/contracts";

type Submitted = IntakeEventData["ApplicationSubmitted"];
export type CorrectionItem = IntakeEventData["CorrectionRequested"]["items"][number];

export type Assessment =
  | { outcome: "correction"; items: CorrectionItem[] }
  | { outcome: "accept"; mode: "complete" | "informed-commitment" }
  | { outcome: "accept"; mode: "deferred-materials"; deferred: string[] };

/**
 * The completeness check against the matter version recorded at submission:
 * - a material is met when provided, replaced by an electronic certificate, or promised where 告知承诺 applies;
 * - 告知承诺 applies only where the matter allows it and the applicant's credit status allows it (credit gate);
 * - if only 容缺后补 (non-main) materials are missing, the matter allows 容缺受理 and the credit status allows it,
 *   the application is accepted with those materials deferred;
 * - otherwise every problem goes into ONE correction notice (一次性告知, 行政许可法 第三十二条).
 *
 * - a material the government already holds is never the applicant's to supply (`heldByGovernment`): it is
 *   obtained by the department, never named in a notice, never a reason to refuse acceptance;
 * - a "一件事" member's result that another member needs is awaited, never asked for (the case is not checked
 *   while it waits).
 *
 * 告知承诺: 国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见 (国办发〔2020〕42号);
 * 容缺受理 and the credit gate: 国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见
 * (国发〔2016〕33号).
 */
export function assess(
  submitted: Pick<Submitted, "matter" | "credit" | "informedCommitmentRequested">,
  requirements: readonly MatterMaterial[],
  materials: Readonly<Record<string, MaterialProvision>>,
  defects: readonly { materialId: string; note: string }[],
): Assessment {
  const commitmentAllowed =
    submitted.informedCommitmentRequested &&
    submitted.matter.allowsInformedCommitment &&
    submitted.credit.informedCommitment;
  const items: CorrectionItem[] = [];
  let promised = false;
  for (const req of requirements) {
    if (heldByGovernment(req)) continue;
    const provided = materials[req.id] ?? { materialId: req.id, provision: "missing" as const };
    const defect = defects.find((d) => d.materialId === req.id);
    if (defect) {
      items.push({ materialId: req.id, name: req.name, problem: "defective", note: defect.note });
    } else if (provided.provision === "missing") {
      if (req.necessity !== "optional")
        items.push({ materialId: req.id, name: req.name, problem: "missing" });
    } else if (provided.provision === "awaiting-result") {
      // Never asked of the applicant; the case is not checked while it waits (see the decider).
    } else if (provided.provision === "promised") {
      if (commitmentAllowed) promised = true;
      else
        items.push({
          materialId: req.id,
          name: req.name,
          problem: "promise-not-allowed",
          note: !submitted.matter.allowsInformedCommitment
            ? "this matter does not allow 告知承诺"
            : "告知承诺 is not available at the applicant's credit status",
        });
    }
  }
  if (items.length === 0) return { outcome: "accept", mode: promised ? "informed-commitment" : "complete" };
  // 容缺受理: main materials complete, only 容缺后补 materials missing.
  const deferrable = items.every((item) => {
    const req = requirements.find((r) => r.id === item.materialId);
    return item.problem === "missing" && req?.necessity === "deferrable" && !req.main;
  });
  if (deferrable && submitted.matter.allowsDeferredMaterials && submitted.credit.deferredMaterials) {
    return { outcome: "accept", mode: "deferred-materials", deferred: items.map((i) => i.materialId) };
  }
  return { outcome: "correction", items };
}

/**
 * 政府部门核发的材料一律免于提交，能够提供电子证照的一律免于提交实体证照 (国发〔2022〕5号; 国办发〔2018〕45号: shared
 * between departments, not asked for again): a material a government department issued, or one an electronic
 * certificate replaces, is obtained by the implementing department itself.
 */
export const heldByGovernment = (req: Pick<MatterMaterial, "source" | "replacedByCertificate">): boolean =>
  req.source === "government" || req.replacedByCertificate !== undefined;

/**
 * How a government-held material the applicant did not hand over is recorded (部门间共享): obtained by the
 * implementing department, with the certificate type to look up when one replaces it.
 */
export function obtainedByDepartment(
  req: MatterMaterial,
  department: Submitted["matter"]["department"],
): MaterialProvision {
  return {
    materialId: req.id,
    provision: "obtained-by-department",
    obtainedBy: department,
    ...(req.replacedByCertificate ? { certificateType: req.replacedByCertificate } : {}),
  };
}
