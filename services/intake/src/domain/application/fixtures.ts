import type { IntakeEventData, MatterMaterial, MatterRef } from "@gov/contracts";

/** A 公共场所卫生许可-like matter version: 告知承诺 and 容缺 allowed, 5 working days promised. */
export const hygieneMatter: MatterRef = {
  matterId: "public-place-hygiene-licence",
  version: 1,
  name: "公共场所卫生许可",
  implementationCode: "11330100002490234Q3000123007000",
  department: { creditCode: "11330100002490234Q", name: "杭州市卫生健康委员会" },
  region: "330100",
  caseKind: "promised",
  promisedTimeLimitDays: 5,
  statutoryTimeLimitDays: 20,
  allowsInformedCommitment: true,
  allowsDeferredMaterials: true,
  allowsAutoApproval: false,
};

const m = (id: string, name: string, over: Partial<MatterMaterial> = {}): MatterMaterial => ({
  id,
  name,
  form: "original",
  medium: "paper-or-electronic",
  copies: 1,
  source: "applicant",
  necessity: "required",
  main: true,
  ...over,
});

export const hygieneRequirements: MatterMaterial[] = [
  m("M01", "公共场所卫生许可申请表"),
  m("LIC", "营业执照", {
    form: "copy",
    medium: "electronic",
    source: "government",
    replacedByCertificate: "营业执照",
    sharedKey: "business-licence",
  }),
  m("M03", "卫生设施平面布局图"),
  m("M04", "卫生管理制度", { main: false, necessity: "deferrable" }),
  m("M05", "卫生检测或者评价报告", { main: false, necessity: "optional", source: "other" }),
];

export const file = (name: string) => ({
  uri: `s3://intake-uploads/${name}`,
  sha256: "a".repeat(64),
});

export const applicant = {
  subjectId: "O91330106MA2H3K7P1E",
  kind: "organisation" as const,
  creditCode: "91330106MA2H3K7P1E",
};

export const normalCredit: IntakeEventData["ApplicationSubmitted"]["credit"] = {
  status: "normal",
  deferredMaterials: true,
  informedCommitment: true,
  autoApproval: true,
  priority: false,
};
export const strictCredit: IntakeEventData["ApplicationSubmitted"]["credit"] = {
  status: "strict-review",
  deferredMaterials: false,
  informedCommitment: false,
  autoApproval: false,
  priority: false,
};
export const greenCredit: IntakeEventData["ApplicationSubmitted"]["credit"] = {
  ...normalCredit,
  status: "green-channel",
  priority: true,
};
