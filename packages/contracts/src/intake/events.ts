import { z } from "zod";
import { departmentRef, isoDate, isoInstant, regionCode } from "../codes.ts";
import { material as matterMaterial } from "../matters/elements.ts";
import { subjectId, subjectRef } from "../subjects.ts";

/**
 * The intake service's events (受理, 一窗受理; 行政许可法 第三十二条). Approval reads everything it needs from
 * ApplicationAccepted (the accepted material set, the time limit, the credit measures applied) and never calls
 * intake. Applicants appear as subject ids (`@gov/pii`), never by name or number.
 */

export const applicationId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1–64 letters, digits, '_' or '-'");

/** Where the application came in (国办发〔2018〕45号; 国办发〔2020〕35号 跨省通办: 综合窗口, 网上, 掌上, 自助终端, 帮办代办, 跨域通办). */
export const channel = z.enum(["window", "online", "mobile", "self-service", "proxy", "cross-region"]);

/** A file the applicant handed in: a reference and its content hash, never the content. */
export const fileRef = z.object({
  uri: z.string().min(1).max(500),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex characters"),
});

const materialRef = z.string().min(1).max(40);

/**
 * How the applicant meets one material the matter asks for: provided (a file), replaced by a government-issued
 * electronic certificate it hands over (国发〔2022〕5号: 能够提供电子证照的一律免于提交实体证照), promised
 * (告知承诺), or missing. What the applicant may send.
 */
export const applicantMaterialProvision = z.discriminatedUnion("provision", [
  z.object({ materialId: materialRef, provision: z.literal("provided"), file: fileRef }),
  z.object({
    materialId: materialRef,
    provision: z.literal("certificate"),
    /** The electronic certificate's id in the certificate library (电子证照库). */
    certificateId: z.string().min(1).max(120),
  }),
  z.object({ materialId: materialRef, provision: z.literal("promised") }),
  z.object({ materialId: materialRef, provision: z.literal("missing") }),
]);

/**
 * 部门间共享: a material a government department issued (the matter's `source: "government"`) or that an electronic
 * certificate replaces is never asked of the applicant (国发〔2022〕5号: 政府部门核发的材料一律免于提交;
 * 国办发〔2018〕45号): intake records that the implementing department obtains it itself.
 */
export const obtainedByDepartment = z.object({
  materialId: materialRef,
  provision: z.literal("obtained-by-department"),
  /** The department that obtains it (the matter's implementing department). */
  obtainedBy: departmentRef,
  /** The type of electronic certificate to look up (电子证照 type), when one replaces the material. */
  certificateType: z.string().min(1).max(100).optional(),
  /** The holder's certificate, once intake can look it up in approval's certificate events (not yet). */
  certificateId: z.string().min(1).max(120).optional(),
});

/**
 * "一件事": the material is another member's result (BundlePublished.dependencies), which the applicant cannot hold
 * yet; the case waits for the producing member's case instead of asking for it.
 */
export const awaitingResult = z.object({
  materialId: materialRef,
  provision: z.literal("awaiting-result"),
  producedBy: z.object({
    /** The member matter whose result it is. */
    matterId: z.string().min(1).max(64),
    /** That member's case in the same bundle application. */
    applicationId,
  }),
});

/** How one material the matter asks for is met, as recorded: the applicant's provision, or one of intake's. */
export const materialProvision = z.discriminatedUnion("provision", [
  ...applicantMaterialProvision.options,
  obtainedByDepartment,
  awaitingResult,
]);
export type MaterialProvision = z.infer<typeof materialProvision>;
export type ApplicantMaterialProvision = z.infer<typeof applicantMaterialProvision>;

/** The matter version in force at submission, as recorded on the application. */
export const matterRef = z.object({
  matterId: z.string().min(1).max(64),
  version: z.number().int().min(1),
  name: z.string().min(1).max(200),
  implementationCode: z.string().length(31),
  department: departmentRef,
  region: regionCode,
  caseKind: z.enum(["on-the-spot", "promised"]),
  promisedTimeLimitDays: z.number().int().min(0),
  statutoryTimeLimitDays: z.number().int().min(0),
  allowsInformedCommitment: z.boolean(),
  allowsDeferredMaterials: z.boolean(),
  allowsAutoApproval: z.boolean(),
});
export type MatterRef = z.infer<typeof matterRef>;

/** The credit status intake saw (from its own copy of credit's events) and the measures it applied. */
export const creditSeen = z.object({
  status: z.enum(["green-channel", "normal", "strict-review"]),
  measuresVersion: z.string().optional(),
  deferredMaterials: z.boolean(),
  informedCommitment: z.boolean(),
  autoApproval: z.boolean(),
  priority: z.boolean(),
});

export const applicationSubmitted = z.object({
  applicationId,
  /** Shared by the cases of one "一件事" application. */
  bundleApplicationId: applicationId.optional(),
  matter: matterRef,
  applicant: subjectRef,
  channel,
  /** The date the application was received (Art. 32 counts from it). */
  receivedOn: isoDate,
  /** What that matter version asks for (its material list), so that the check can be replayed years later. */
  requirements: z.array(matterMaterial),
  materials: z.array(materialProvision),
  /** The applicant asks to promise instead of proving (告知承诺). */
  informedCommitmentRequested: z.boolean(),
  credit: creditSeen,
  /** Strict-review subjects are flagged for the window and the approver (credit gate: 国办发〔2020〕42号; 国办发〔2019〕35号). */
  flags: z.array(z.enum(["strict-review", "green-channel"])),
});

export const correctionItem = z.object({
  materialId: z.string().min(1).max(40),
  name: z.string().min(1).max(200),
  problem: z.enum(["missing", "defective", "promise-not-allowed"]),
  note: z.string().max(1000).optional(),
});

/** 一次性告知: one notice naming every missing or defective material at once. */
export const correctionRequested = z.object({
  applicationId,
  noticeNumber: z.number().int().min(1),
  items: z.array(correctionItem).min(1),
  noticeDate: isoDate,
});

export const materialsSupplemented = z.object({
  applicationId,
  materials: z.array(materialProvision).min(1),
  supplementedOn: isoDate,
});

/** A signature on a document: the signed file (reference and hash), when, and by whom (a subject id, never a name). */
export const signatureEvidence = z.object({
  file: fileRef,
  signedAt: isoInstant,
  signedBy: subjectId,
});

/**
 * 容缺受理 only on the applicant's written promise (承诺书) to supply the missing materials by a date (国发〔2022〕5号
 * 容缺受理; 西安市行政审批服务局《容缺受理服务模式解释说明》: 作出书面承诺补齐补正相关申请材料).
 */
export const deferralPromise = z.object({
  materialIds: z.array(materialRef).min(1),
  supplyBy: isoDate,
  signature: signatureEvidence,
});
export type DeferralPromise = z.infer<typeof deferralPromise>;

export const applicationAccepted = z.object({
  applicationId,
  bundleApplicationId: applicationId.optional(),
  /** 办件编号: 31-character 实施编码 + yyyyMMdd + 4-digit daily serial. */
  caseNumber: z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{31}\d{8}\d{4}$/),
  /**
   * complete; 容缺受理 (deferred materials); 告知承诺; or deemed accepted on the day of receipt because no notice
   * was given within 5 working days (行政许可法 Art. 32).
   */
  mode: z.enum(["complete", "deferred-materials", "informed-commitment", "deemed"]),
  acceptedOn: isoDate,
  matter: matterRef,
  applicant: subjectRef,
  /** The full accepted material set. */
  materials: z.array(materialProvision),
  /** Materials to supply later (容缺后补) and by when (≤ the promised time limit), with the applicant's signed promise. */
  deferred: z
    .object({
      materialIds: z.array(z.string()).min(1),
      supplyBy: isoDate,
      /** Absent on events recorded before the promise was required. */
      promise: deferralPromise.optional(),
    })
    .optional(),
  /** The promised time limit in working days, and the date it ends (counting from the day after acceptance). */
  promisedTimeLimitDays: z.number().int().min(0),
  dueOn: isoDate,
  /**
   * The published working-day calendar versions `dueOn` was counted with (e.g. `2026.v1+2027.v1`): a later
   * correction of a year does not move a deadline already computed. Absent on events recorded before
   * calendars were published as data.
   */
  calendarVersion: z
    .string()
    .regex(/^\d{4}\.v\d+(\+\d{4}\.v\d+)*$/)
    .optional(),
  credit: creditSeen,
  flags: z.array(z.enum(["strict-review", "green-channel"])),
});

export const applicationRejected = z.object({
  applicationId,
  reason: z.string().min(1).max(2000),
  legalBasis: z.string().min(1).max(300),
  rejectedOn: isoDate,
});

export const deferredMaterialsSupplied = z.object({
  applicationId,
  materials: z.array(materialProvision).min(1),
  suppliedOn: isoDate,
  /** True when nothing is outstanding any more. */
  complete: z.boolean(),
});

export const applicationTerminated = z.object({
  applicationId,
  reason: z.enum(["deferred-materials-not-supplied"]),
  terminatedOn: isoDate,
});

export const applicationWithdrawn = z.object({
  applicationId,
  reason: z.string().min(1).max(1000),
  withdrawnOn: isoDate,
});

/** A daily serial handed out for a case number (stream per 实施编码 and day; serials are gap-free and unique). */
export const caseNumberAllocated = z.object({
  applicationId,
  caseNumber: applicationAccepted.shape.caseNumber,
  serial: z.number().int().min(1).max(9999),
});

export const intakeEventTypes = {
  ApplicationSubmitted: "gov.intake.application.submitted.v1",
  CorrectionRequested: "gov.intake.application.correction-requested.v1",
  MaterialsSupplemented: "gov.intake.application.materials-supplemented.v1",
  ApplicationAccepted: "gov.intake.application.accepted.v1",
  ApplicationRejected: "gov.intake.application.rejected.v1",
  DeferredMaterialsSupplied: "gov.intake.application.deferred-materials-supplied.v1",
  ApplicationTerminated: "gov.intake.application.terminated.v1",
  ApplicationWithdrawn: "gov.intake.application.withdrawn.v1",
  CaseNumberAllocated: "gov.intake.caseserial.allocated.v1",
} as const;

export const intakeEventSchemas = {
  ApplicationSubmitted: applicationSubmitted,
  CorrectionRequested: correctionRequested,
  MaterialsSupplemented: materialsSupplemented,
  ApplicationAccepted: applicationAccepted,
  ApplicationRejected: applicationRejected,
  DeferredMaterialsSupplied: deferredMaterialsSupplied,
  ApplicationTerminated: applicationTerminated,
  ApplicationWithdrawn: applicationWithdrawn,
  CaseNumberAllocated: caseNumberAllocated,
} as const;

export type IntakeEventName = keyof typeof intakeEventSchemas;
export type IntakeEventData = { [K in IntakeEventName]: z.infer<(typeof intakeEventSchemas)[K]> };
/** The matter material shape intake checks against (re-exported for intake's decider). */
export type MatterMaterial = z.infer<typeof matterMaterial>;
