import { z } from "zod";
import { departmentRef, regionCode } from "../codes.ts";
import { subjectKind } from "../subjects.ts";

/**
 * A matter's implementation elements (实施要素, "八统一"; 国发〔2022〕5号 §二 and its local plans, e.g. 乐山市 2022 方案 §三(一)3 "逐项、逐环节明确
 * 设定依据、实施机关、许可条件、办理程序、办理时限、申请材料…中介服务、监管主体"). This is the payload a published
 * matter version carries in `gov.matters.matter.published.v1`, so subscribers never need to call back.
 */

/** 事项类型 code set: the on-application kinds (国办发〔2018〕45号 and 粤府〔2018〕103号 "十统一": the eight kinds of 依申请 matters). */
export const matterTypes = {
  "01": "行政许可",
  "04": "行政征收",
  "05": "行政给付",
  "07": "行政确认",
  "08": "行政奖励",
  "09": "行政裁决",
  "10": "其他行政权力",
  "20": "公共服务",
} as const;
export const matterType = z.enum(
  Object.keys(matterTypes) as [keyof typeof matterTypes, ...(keyof typeof matterTypes)[]],
);
export type MatterType = z.infer<typeof matterType>;

/** 行使层级: 1 国家, 2 省级, 3 市级, 4 县级, 5 乡镇. */
export const exercisingLevel = z.union([
  z.literal(1),
  z.literal(2),
  z.literal(3),
  z.literal(4),
  z.literal(5),
]);

/** 实施主体性质: 法定机关 / 授权组织 / 受委托组织. */
export const implementerNature = z.enum([
  "statutory-organ",
  "authorised-organisation",
  "entrusted-organisation",
]);

/** 权力来源: 法定本级行使 / 上级下放 / 上级授权 / 同级授权 / 上级委托 / 同级委托. */
export const powerSource = z.enum([
  "statutory",
  "delegated-from-above",
  "authorised-from-above",
  "authorised-same-level",
  "entrusted-from-above",
  "entrusted-same-level",
]);

/** 服务对象: 自然人, 企业法人, 事业法人, 社会组织, 非法人企业, 行政机关, 其他组织. */
export const serviceObject = z.enum([
  "natural-person",
  "enterprise-legal-person",
  "public-institution",
  "social-organisation",
  "non-legal-person-enterprise",
  "administrative-organ",
  "other-organisation",
]);

/** 办件类型: 即办件 (decided on the spot) / 承诺件 (decided within the promised time). */
export const caseKind = z.enum(["on-the-spot", "promised"]);

/** 网上办理深度 Ⅰ–Ⅳ; Ⅳ = 全程网办. */
export const onlineDepth = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);

/** 办理形式: 窗口办理 / 网上办理 / 快递申请. */
export const handlingForm = z.enum(["window", "online", "post"]);

/** 送达方式: 窗口领取 / 邮政快递 / 自助柜 / 网上下载. */
export const deliveryMethod = z.enum(["window", "post", "locker", "download"]);

/**
 * 特别程序 (行政许可法 第四十五条): 听证, 招标, 拍卖, 检验, 检测, 检疫, 鉴定, 专家评审, and where local
 * rules say so 现场勘验, 技术审查, 公示. They pause the time-limit clock.
 */
export const specialProcedure = z.enum([
  "hearing",
  "tender",
  "auction",
  "inspection",
  "testing",
  "quarantine",
  "appraisal",
  "expert-review",
  "site-survey",
  "technical-review",
  "publicity",
]);

/**
 * Risk domains that exclude 告知承诺 (国办发〔2020〕42号; 国发〔2022〕5号: "不得涉及国家安全、国家秘密、公共安全、金融业审慎监管、生态环境保护、
 * 重要涉外以及直接关系人身健康、生命财产安全等").
 */
export const riskDomain = z.enum([
  "national-security",
  "state-secrets",
  "public-safety",
  "financial-prudential",
  "environment",
  "important-foreign-affairs",
  "health-life-property-safety",
]);

/** 材料来源: 申请人自备 / 政府部门核发 / 其他. */
export const materialSource = z.enum(["applicant", "government", "other"]);

/** 必要性: 必要 / 非必要 / 容缺后补 (may be supplied after acceptance). */
export const materialNecessity = z.enum(["required", "optional", "deferrable"]);

export const material = z.object({
  /** Stable id within the matter, e.g. `M01`. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "1–40 letters, digits, '_' or '-'"),
  name: z.string().min(1).max(200),
  /** 原件 / 复印件 / 原件和复印件. */
  form: z.enum(["original", "copy", "original-and-copy"]),
  /** 纸质 / 电子 / 纸质或电子. */
  medium: z.enum(["paper", "electronic", "paper-or-electronic"]),
  copies: z.number().int().min(0).max(20),
  source: materialSource,
  necessity: materialNecessity,
  /** 主要材料: without it the application cannot be judged at all; never deferrable (容缺 rule). */
  main: z.boolean(),
  /**
   * The type of government-issued electronic certificate (电子证照) that replaces this material, if any; the
   * applicant is then never asked for it (国发〔2022〕5号: 政府部门核发的材料一律免于提交).
   */
  replacedByCertificate: z.string().min(1).max(100).optional(),
  /** A shared key (e.g. `id-card`, `business-licence`) that lets a bundle ask for one material once. */
  sharedKey: z.string().min(1).max(60).optional(),
});
export type Material = z.infer<typeof material>;

export const legalBasis = z.object({
  /** The law, regulation or normative document, e.g. 《中华人民共和国食品安全法》. */
  document: z.string().min(1).max(200),
  /** The article(s), e.g. 第三十五条. */
  article: z.string().min(1).max(100),
});

export const processStep = z.object({
  name: z.string().min(1).max(100),
  /** Working days for this step (per-step limits are monitored too: 国办发〔2019〕51号 效能监督). */
  timeLimitDays: z.number().int().min(0).max(365).optional(),
});

export const fee = z.object({
  name: z.string().min(1).max(200),
  basis: z.string().min(1).max(200),
  amountYuan: z.number().min(0).optional(),
});

/**
 * 秒批 eligibility as data on the matter version (秒批; 国发〔2022〕5号, 政务服务便利化), never as code
 * branches: approval checks a case against these and decides it with no officer when every rule holds.
 */
export const autoApprovalRules = z.object({
  /** Only cases accepted without 容缺 (deferred materials). */
  noDeferredMaterials: z.boolean(),
  /** Every material provided, given as an electronic-certificate reference, or obtained by the department. */
  allMaterialsProvided: z.boolean(),
  /** The applicant kinds allowed. */
  applicantKinds: z.array(subjectKind).min(1),
  /** Never an applicant under strict credit review (国办发〔2019〕35号). */
  excludeStrictReview: z.boolean(),
});
export type AutoApprovalRules = z.infer<typeof autoApprovalRules>;

/**
 * 告知承诺 post-verification (事后核查) as data on the matter version: how a promise is checked — 书面核查
 * (`written`), 网络核验 (`online-check`), 实地核查 (`on-site`), 公示 (`public-notice`) — and the share of permits
 * drawn for it (1 = every one). 国务院办公厅关于全面推行证明事项告知承诺制的指导意见 (国办发〔2020〕42号) and, for 涉企经营许可事项, 国务院关于深化“证照分离”改革进一步激发市场主体发展活力的通知 (国发〔2021〕7号).
 */
export const promiseVerification = z.object({
  method: z.enum(["written", "online-check", "on-site", "public-notice"]),
  samplingRatio: z.number().min(0).max(1),
});
export type PromiseVerification = z.infer<typeof promiseVerification>;

export const matterElements = z.object({
  name: z.string().min(1).max(200),
  /** 基本编码: 12 characters; national items start `00`, provincial items with the province code. */
  basicCode: z.string(),
  /** 实施编码: 31 characters = implementing department's 统一社会信用代码 (18) + 行使层级 (1) + 基本编码 (12). */
  implementationCode: z.string(),
  type: matterType,
  legalBasis: z.array(legalBasis).min(1),
  exercisingLevel,
  implementingDepartment: departmentRef.extend({ nature: implementerNature }),
  region: regionCode,
  powerSource,
  serviceObjects: z.array(serviceObject).min(1),
  caseKind,
  /** 法定办结时限, working days. */
  statutoryTimeLimitDays: z.number().int().min(0).max(365),
  /** 承诺办结时限, working days (≤ statutory). */
  promisedTimeLimitDays: z.number().int().min(0).max(365),
  acceptanceConditions: z.array(z.string().min(1).max(500)),
  materials: z.array(material),
  processSteps: z.array(processStep).min(1),
  handlingForms: z.array(handlingForm).min(1),
  /** 到现场次数: 0 = 零跑腿, ≤ 1 = 最多跑一次. */
  onSiteVisits: z.number().int().min(0).max(10),
  onlineDepth,
  fees: z.array(fee),
  result: z.object({
    type: z.enum(["certificate", "approval-document", "other"]),
    name: z.string().min(1).max(200),
  }),
  deliveryMethods: z.array(deliveryMethod).min(1),
  intermediaryServices: z.array(z.string().min(1).max(200)),
  specialProcedures: z.array(specialProcedure),
  /** 监管主体 for 审管联动 ("谁审批、谁监管，谁主管、谁监管"). */
  supervisingDepartment: departmentRef,
  riskDomains: z.array(riskDomain),
  /** 告知承诺 allowed. */
  allowsInformedCommitment: z.boolean(),
  /** How a 告知承诺 is verified after the grant; absent: the supervising service's configured default. */
  promiseVerification: promiseVerification.optional(),
  /** 容缺受理 allowed. */
  allowsDeferredMaterials: z.boolean(),
  /** 秒批 / 无感审批 allowed. */
  allowsAutoApproval: z.boolean(),
  /** 秒批 eligibility rules (with `allowsAutoApproval`); absent: no case is auto-approved. */
  autoApprovalRules: autoApprovalRules.optional(),
  /** How long the result (permit) is valid, in years; absent: 5. */
  resultValidityYears: z.number().int().min(1).max(30).optional(),
  /** 许可范围 printed on the certificate; absent: the matter's name. */
  resultScope: z.string().min(1).max(1000).optional(),
});
export type MatterElements = z.infer<typeof matterElements>;
