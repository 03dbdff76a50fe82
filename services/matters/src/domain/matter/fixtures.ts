import type { MatterElements } from "@gov/contracts";
import { creditCodeCheckCharacter } from "@gov/identifiers";

/** A department code with a correct check character, for tests. */
export function departmentCode(first17 = "11440200MB2C01234"): string {
  return `${first17}${creditCodeCheckCharacter(first17)}`;
}

/** A valid 承诺件 matter (食品经营许可-like) that individual tests bend one element at a time. */
export function validElements(overrides: Partial<MatterElements> = {}): MatterElements {
  const creditCode = departmentCode();
  const basicCode = "000117002000";
  return {
    name: "食品经营许可",
    basicCode,
    implementationCode: `${creditCode}3${basicCode}`,
    type: "01",
    legalBasis: [{ document: "《中华人民共和国食品安全法》", article: "第三十五条" }],
    exercisingLevel: 3,
    implementingDepartment: { creditCode, name: "韶关市市场监督管理局", nature: "statutory-organ" },
    region: "440200",
    powerSource: "statutory",
    serviceObjects: ["enterprise-legal-person", "non-legal-person-enterprise"],
    caseKind: "promised",
    statutoryTimeLimitDays: 20,
    promisedTimeLimitDays: 10,
    acceptanceConditions: ["具有与经营的食品品种、数量相适应的经营场所"],
    materials: [
      {
        id: "M01",
        name: "食品经营许可申请书",
        form: "original",
        medium: "paper-or-electronic",
        copies: 1,
        source: "applicant",
        necessity: "required",
        main: true,
      },
      {
        id: "M02",
        name: "营业执照",
        form: "copy",
        medium: "electronic",
        copies: 1,
        source: "government",
        necessity: "required",
        main: true,
        replacedByCertificate: "营业执照",
        sharedKey: "business-licence",
      },
      {
        id: "M03",
        name: "食品安全管理制度文本",
        form: "original",
        medium: "paper-or-electronic",
        copies: 1,
        source: "applicant",
        necessity: "deferrable",
        main: false,
      },
    ],
    processSteps: [
      { name: "受理", timeLimitDays: 1 },
      { name: "审查", timeLimitDays: 7 },
      { name: "决定", timeLimitDays: 2 },
    ],
    handlingForms: ["window", "online"],
    onSiteVisits: 1,
    onlineDepth: 3,
    fees: [],
    result: { type: "certificate", name: "食品经营许可证" },
    deliveryMethods: ["window", "post", "download"],
    intermediaryServices: [],
    specialProcedures: ["site-survey"],
    supervisingDepartment: { creditCode, name: "韶关市市场监督管理局" },
    riskDomains: ["health-life-property-safety"],
    allowsInformedCommitment: false,
    allowsDeferredMaterials: true,
    allowsAutoApproval: false,
    ...overrides,
  };
}
