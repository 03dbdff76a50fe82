import {
  applicantMaterialProvision,
  applicationId,
  channel,
  deferralPromise,
  departmentRef,
  freeText,
} from "@gov/contracts";
import { commandResult } from "@gov/service-kit";
import { z } from "zod";

export const applicationParams = z.object({ applicationId });

/** Identifiers travel in bodies, never in URLs (URLs end up in access logs). */
export const applicantBody = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("person"), idNumber: z.string().min(1).max(40) }),
  z.object({
    kind: z.literal("organisation"),
    creditCode: z.string().min(1).max(40),
    name: z.string().min(1).max(200).optional(),
  }),
]);

export const submitBody = z.object({
  matterId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  applicant: applicantBody,
  channel,
  /** What the applicant hands over; what the government already holds is never asked for (国发〔2022〕5号). */
  materials: z.array(applicantMaterialProvision).max(100),
  informedCommitmentRequested: z.boolean().optional(),
});

/** One form for a "一件事" bundle: materials keyed by the bundle's merged list (`materialId` = its key). */
const mergedKey = { materialId: z.string().min(1).max(120) };
const [provided, certificate, promised, missing] = applicantMaterialProvision.options;
export const bundleSubmitBody = submitBody.omit({ matterId: true }).extend({
  bundleId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  materials: z
    .array(
      z.discriminatedUnion("provision", [
        provided.extend(mergedKey),
        certificate.extend(mergedKey),
        promised.extend(mergedKey),
        missing.extend(mergedKey),
      ]),
    )
    .max(200),
});
export const bundleApplicationParams = z.object({ bundleApplicationId: applicationId });

/*
 * Free text (a defect's note, a reason, a legal basis) is `freeText`: an ID number or a mobile number in it is
 * a 400 naming the field (个人信息保护法 第五十一条); such data belongs in the structured applicant fields.
 */
export const checkBody = z.object({
  /** Materials the clerk found defective, with what is wrong; missing ones are found by the check itself. */
  defects: z.array(z.object({ materialId: z.string().min(1).max(40), note: freeText(1000) })).default([]),
  /**
   * The applicant's signed promise (承诺书) to supply the missing 容缺后补 materials by a date: required when the
   * check would accept under 容缺受理 (国发〔2022〕5号), ignored otherwise.
   */
  deferralPromise: deferralPromise.optional(),
});
export const materialsBody = z.object({ materials: z.array(applicantMaterialProvision).min(1).max(100) });
export const rejectBody = z.object({
  reason: freeText(2000),
  legalBasis: freeText(300),
});
export const withdrawBody = z.object({ reason: freeText(1000) });
/** A page of a list: at most `limit` items (default 50, at most 200) after the cursor `after` (a `next-cursor`). */
const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,400}$/)
    .optional(),
};

export const queueQuery = z.object({
  region: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  ...pageQuery,
});

/** Search: by 办件编号 (case number) or by the applicant's subject id (never an ID number). */
export const searchQuery = z
  .object({
    caseNumber: z
      .string()
      .regex(/^[0-9A-HJ-NPQRTUWXY]{31}\d{12}$/)
      .optional(),
    subjectId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{2,80}$/)
      .optional(),
    ...pageQuery,
  })
  .refine((q) => q.caseNumber !== undefined || q.subjectId !== undefined, {
    message: "give caseNumber or subjectId",
    path: ["caseNumber"],
  });

/** The one command reply, with the case number when the command accepted the application. */
export const applicationCommandResult = commandResult.extend({
  caseNumber: z.string().optional(),
  /** What the window should know, e.g. a 统一社会信用代码 whose check character does not match. */
  warnings: z.array(z.string()).optional(),
});

/** A "一件事" submission: the bundle application id, and the applications it made (one per matter). */
export const bundleCommandResult = commandResult.extend({
  applicationIds: z.array(z.string()),
  warnings: z.array(z.string()).optional(),
});

const stuckCase = z.object({
  id: z.string(),
  action: z.string(),
  error: z.string(),
  problemType: z.string().optional(),
  since: z.string(),
});

export const schedulerRunResult = z.object({
  deemedAccepted: z.number().int(),
  terminated: z.number().int(),
  stuck: z.array(stuckCase),
});

export const schedulerStatus = z.object({ lastRunAt: z.string().optional(), stuck: z.array(stuckCase) });

const kpiFigure = z.object({
  count: z.number().int(),
  total: z.number().int(),
  rate: z.number().nullable(),
  target: z.object({ op: z.literal(">="), value: z.number() }),
  met: z.boolean().nullable(),
});

/** 一窗分类受理率 (韶关市 2019 通知; 国办发〔2018〕45号): overall, per department, per region, with the target. */
export const intakeKpis = z.object({
  overall: kpiFigure,
  byDepartment: z.array(z.object({ department: departmentRef, oneWindow: kpiFigure })),
  byRegion: z.array(z.object({ region: z.string(), oneWindow: kpiFigure })),
});
