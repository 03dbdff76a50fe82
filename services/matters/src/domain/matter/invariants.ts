import type { MatterElements } from "@gov/contracts";
import { validateCreditCode } from "@gov/identifiers";

/** A rule a matter's elements break, naming the element at fault (e.g. `promisedTimeLimitDays`). */
export interface ElementProblem {
  field: string;
  message: string;
}

/** Province-level 行政区划 prefixes (GB/T 2260), which start provincial 基本编码; national items start `00`. */
const PROVINCE_PREFIXES = new Set([
  "11",
  "12",
  "13",
  "14",
  "15",
  "21",
  "22",
  "23",
  "31",
  "32",
  "33",
  "34",
  "35",
  "36",
  "37",
  "41",
  "42",
  "43",
  "44",
  "45",
  "46",
  "50",
  "51",
  "52",
  "53",
  "54",
  "61",
  "62",
  "63",
  "64",
  "65",
  "71",
  "81",
  "82",
]);

/**
 * Every rule a matter's implementation elements must satisfy before they are stored, all reported at once.
 * Each rule cites its source.
 */
export function checkMatterElements(e: MatterElements): ElementProblem[] {
  const problems: ElementProblem[] = [];
  const fail = (field: string, message: string) => problems.push({ field, message });

  // Codes (政务服务事项基本目录及实施清单 编码要求, 全国一体化在线政务服务平台标准): 基本编码 12 characters,
  // national items start 00, provincial with the province code.
  if (!/^\d{12}$/.test(e.basicCode)) fail("basicCode", "基本编码 must be 12 digits");
  else if (e.basicCode.slice(0, 2) !== "00" && !PROVINCE_PREFIXES.has(e.basicCode.slice(0, 2))) {
    fail("basicCode", "基本编码 must start with 00 (national) or a province code");
  }
  const dept = validateCreditCode(e.implementingDepartment.creditCode);
  if (!dept.valid) fail("implementingDepartment.creditCode", dept.message);
  // 实施编码 = 统一社会信用代码 (18) + 行使层级 (1) + 基本编码 (12) = 31 characters (same standard;
  // the credit code per GB 32100-2015).
  const expected = `${e.implementingDepartment.creditCode}${e.exercisingLevel}${e.basicCode}`;
  if (e.implementationCode.length !== 31) fail("implementationCode", "实施编码 must be 31 characters");
  else if (e.implementationCode !== expected) {
    fail(
      "implementationCode",
      `实施编码 must be the department's credit code + level + 基本编码 (${expected})`,
    );
  }

  // Time limits: the statutory limit (行政许可法 第四十二条) bounds the promised one (承诺办结时限 ≤ 法定办结时限);
  // 即办件 is decided on the spot (0 days).
  if (e.promisedTimeLimitDays > e.statutoryTimeLimitDays) {
    fail("promisedTimeLimitDays", "承诺办结时限 must not exceed 法定办结时限");
  }
  if (e.caseKind === "on-the-spot" && e.promisedTimeLimitDays !== 0) {
    fail("promisedTimeLimitDays", "即办件 has a promised time limit of 0 working days");
  }
  if (e.caseKind === "promised" && e.promisedTimeLimitDays === 0) {
    fail(
      "promisedTimeLimitDays",
      "承诺件 needs a promised time limit of at least 1 working day (or make it 即办件)",
    );
  }

  // Online depth Ⅳ = 全程网办 (网上办理深度, “互联网+政务服务”技术体系建设指南) requires 0 on-site visits and
  // online handling.
  if (e.onlineDepth === 4 && e.onSiteVisits !== 0)
    fail("onSiteVisits", "全程网办 (depth Ⅳ) requires 0 on-site visits");
  if (e.onlineDepth === 4 && !e.handlingForms.includes("online")) {
    fail("handlingForms", "全程网办 (depth Ⅳ) requires online handling");
  }

  // Materials: ids unique; 容缺后补 only on non-main materials (容缺受理, 乐山市加快推进政务服务标准化规范化便利化工作方案 (2022) 三(三)2).
  const ids = new Set<string>();
  e.materials.forEach((m, i) => {
    if (ids.has(m.id)) fail(`materials[${i}].id`, `duplicate material id ${m.id}`);
    ids.add(m.id);
    if (m.necessity === "deferrable" && m.main) {
      fail(`materials[${i}].necessity`, "a main material cannot be 容缺后补 (deferred)");
    }
  });
  if (e.allowsDeferredMaterials && !e.materials.some((m) => m.necessity === "deferrable")) {
    fail("allowsDeferredMaterials", "容缺受理 is allowed but no material is marked 容缺后补");
  }

  // 告知承诺 never on high-risk matters (国家安全、国家秘密、公共安全、金融业审慎监管、生态环境保护、重要涉外、
  // 人身健康、生命财产安全: 乐山市加快推进政务服务标准化规范化便利化工作方案 (2022) 三(三)2).
  if (e.allowsInformedCommitment && e.riskDomains.length > 0) {
    fail("allowsInformedCommitment", `告知承诺 is not allowed for matters in: ${e.riskDomains.join(", ")}`);
  }

  // 秒批 (系统自动核验、自动审批、自动出证) only where no special procedure (特别程序: 听证、检验、鉴定、专家评审 …)
  // can intervene (its time is not counted in the limit: 行政许可法 第四十五条).
  if (e.allowsAutoApproval && e.specialProcedures.length > 0) {
    fail("allowsAutoApproval", "秒批 is not allowed on a matter with special procedures");
  }

  // Per-step limits cannot add up beyond the promised limit.
  const stepDays = e.processSteps.reduce((sum, s) => sum + (s.timeLimitDays ?? 0), 0);
  if (stepDays > e.promisedTimeLimitDays && e.caseKind === "promised") {
    fail(
      "processSteps",
      `step limits add up to ${stepDays} working days, above the promised ${e.promisedTimeLimitDays}`,
    );
  }
  return problems;
}
