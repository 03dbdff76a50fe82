import { z } from "zod";
import { certificateDelivered, certificateNo } from "../approval/permit.ts";
import { departmentRef, isoDate, isoInstant, regionCode } from "../codes.ts";
import { applicationId, channel } from "../intake/events.ts";
import { subjectRef } from "../subjects.ts";

/**
 * The exchange service's outbound feed to the national and provincial government-service exchanges (办件信息):
 * one row per lifecycle step of a case, keyed by the case (办件编号, or the application id before acceptance) and
 * the step, re-reported with a higher version whenever its content changes. docs/exchange.md has the mapping.
 */

/** The lifecycle steps the exchanges receive, by code; `exchangeStepNames` gives each one's Chinese name. */
export const exchangeStep = z.enum([
  "application",
  "online-pre-acceptance",
  "acceptance",
  "refusal",
  "correction-notice",
  "correction-acceptance",
  "special-procedure-request",
  "special-procedure-result",
  "undertaking",
  "review",
  "approval",
  "conclusion",
  "delivery",
]);
export type ExchangeStep = z.infer<typeof exchangeStep>;

export const exchangeStepNames: Readonly<Record<ExchangeStep, string>> = {
  application: "申办",
  "online-pre-acceptance": "网上预受理",
  acceptance: "受理",
  refusal: "不予受理",
  "correction-notice": "补交告知",
  "correction-acceptance": "补交受理",
  "special-procedure-request": "特别程序申请",
  "special-procedure-result": "特别程序结果",
  undertaking: "承办",
  review: "审核",
  approval: "批准",
  conclusion: "办结",
  delivery: "领证",
};

/** 承办 / 审核 / 批准: one of approval's steps completed. */
const approvalStepDetails = <S extends "undertaking" | "review" | "approval">(step: S) =>
  z.object({
    step: z.literal(step),
    /** The step's place in the matter's approval steps (0 first). */
    stepIndex: z.number().int().min(0).max(50),
    completedAt: isoInstant,
    recommendation: z.enum(["approve", "refuse"]),
  });

/** What each step says beyond the case: the fields of the intake or approval event it comes from (v1: no 领证). */
const stepDetailsV1 = [
  z.object({ step: z.literal("application"), receivedOn: isoDate }),
  z.object({ step: z.literal("online-pre-acceptance"), receivedOn: isoDate }),
  z.object({
    step: z.literal("acceptance"),
    acceptedOn: isoDate,
    mode: z.enum(["complete", "deferred-materials", "informed-commitment", "deemed"]),
    promisedTimeLimitDays: z.number().int().min(0),
    dueOn: isoDate,
  }),
  z.object({
    step: z.literal("refusal"),
    rejectedOn: isoDate,
    legalBasis: z.string().min(1).max(300),
  }),
  z.object({
    step: z.literal("correction-notice"),
    noticeDate: isoDate,
    noticeNumber: z.number().int().min(1),
    items: z
      .array(
        z.object({
          materialId: z.string().min(1).max(40),
          name: z.string().min(1).max(200),
          problem: z.enum(["missing", "defective", "promise-not-allowed"]),
        }),
      )
      .min(1),
  }),
  z.object({
    step: z.literal("correction-acceptance"),
    supplementedOn: isoDate,
    materialIds: z.array(z.string().min(1).max(40)).min(1),
  }),
  approvalStepDetails("undertaking"),
  approvalStepDetails("review"),
  approvalStepDetails("approval"),
  z.object({
    step: z.literal("special-procedure-request"),
    procedureId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    procedure: z.string().regex(/^[a-z][a-z-]{0,39}$/),
    name: z.string().min(1).max(100),
    startedOn: isoDate,
    expectedEndOn: isoDate,
    legalBasis: z.string().min(1).max(300),
  }),
  z.object({
    step: z.literal("special-procedure-result"),
    procedureId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    endedOn: isoDate,
    daysExcluded: z.number().int().min(0),
  }),
  z.object({
    step: z.literal("conclusion"),
    decidedOn: isoDate,
    outcome: z.enum(["approved", "refused"]),
    auto: z.boolean(),
    legalBasis: z.string().min(1).max(300).optional(),
    withinLimit: z.boolean().optional(),
  }),
] as const;

/**
 * 领证: the certificate handed over or delivered (颁发、送达, 行政许可法 第四十四条), from approval's
 * CertificateDelivered. How, which certificate and on which day; not the EMS tracking number, the locker's
 * pick-up code or the officer (they lead to a person), nor anything of the holder beyond the row's subject id.
 */
const deliveryDetails = z.object({
  step: z.literal("delivery"),
  method: certificateDelivered.shape.method,
  certificateNo,
  deliveredOn: isoDate,
});

/** The `details` of `CaseStepReported` v1, as published: every step but 领证. Kept for v1's readers. */
export const exchangeStepDetailsV1 = z.discriminatedUnion("step", [...stepDetailsV1]);

/** The `details` of a row (v2): every step of v1 and 领证. */
export const exchangeStepDetails = z.discriminatedUnion("step", [...stepDetailsV1, deliveryDetails]);
export type ExchangeStepDetails = z.infer<typeof exchangeStepDetails>;

/**
 * `gov.exchange.casestep.reported.v1`: a reported row without 领证. Published before v2 and never changed (the
 * compatibility gate, packages/contracts/published): its events stay in the topic, the exchange reads them as v2
 * (an upcaster) and writes only v2 (docs/exchange.md, "Versions").
 */
export const caseStepReportedV1 = z.object({
  /** The row's stable key inside the platform: `<applicationId>:<step>`. */
  rowId: z.string().min(3).max(120),
  /** The key the exchange files it under: the 办件编号 once known, before acceptance the application id. */
  caseKey: z.string().min(1).max(64),
  caseNumber: z
    .string()
    .regex(/^[0-9A-HJ-NPQRTUWXY]{31}\d{12}$/)
    .optional(),
  applicationId,
  step: exchangeStep,
  /** The step's Chinese name (申办, 受理, …). */
  stepName: z.string().min(1).max(20),
  /** 1 for the first report of this key, then one more each time its content changes. */
  version: z.number().int().min(1),
  /** When the step happened: the time of the source event. */
  occurredAt: isoInstant,
  matter: z.object({
    matterId: z.string().min(1).max(64),
    version: z.number().int().min(1),
    name: z.string().min(1).max(200),
    implementationCode: z.string().length(31),
    department: departmentRef,
    region: regionCode,
  }),
  /** The applicant as a subject id (a pseudonym for a person; never a name or ID number of a person). */
  applicant: subjectRef,
  channel,
  details: exchangeStepDetailsV1,
  /** The event (of intake, later approval) whose content this version carries. */
  source: z.object({ eventId: z.string().min(1).max(100), type: z.string().min(1).max(120) }),
  /** Why this version was reported: the first report, or a re-report after the case number became known. */
  reason: z.enum(["reported", "case-number-assigned"]),
});
export type CaseStepReportedV1 = z.infer<typeof caseStepReportedV1>;

/**
 * A reported row (`gov.exchange.casestep.reported.v2`): the whole row each time, so that a receiver keeps the
 * highest version of each key. The same fields as v1; `details` may also be 领证 (`step: "delivery"`).
 */
export const caseStepReported = caseStepReportedV1.extend({ details: exchangeStepDetails });
export type CaseStepReported = z.infer<typeof caseStepReported>;

export const exchangeEventTypes = {
  CaseStepReported: "gov.exchange.casestep.reported.v2",
  /** Superseded by v2 (no 领证); no longer written. Listed so its schema stays in the catalog and the gate. */
  CaseStepReportedV1: "gov.exchange.casestep.reported.v1",
} as const;

export const exchangeEventSchemas = {
  CaseStepReported: caseStepReported,
  CaseStepReportedV1: caseStepReportedV1,
} as const;

export type ExchangeEventName = keyof typeof exchangeEventSchemas;
export type ExchangeEventData = { [K in ExchangeEventName]: z.infer<(typeof exchangeEventSchemas)[K]> };
