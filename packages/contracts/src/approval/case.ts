import { z } from "zod";
import { departmentRef, isoDate, isoInstant, regionCode } from "../codes.ts";
import { applicationId } from "../intake/events.ts";
import { subjectRef } from "../subjects.ts";

/**
 * The approval case (审批办件): opened when intake accepts an application (行政许可法 第三十二条), run through the
 * matter's process steps against the working-day clock (第四十二条, 第四十四条; 特别程序 excluded by 第四十五条) to a
 * decision (第三十八条 准予 / 不予, with reasons and the applicant's rights). One stream per case, `case-<caseId>`,
 * topic `gov.approval.case.v1`.
 */

export const caseId = applicationId;
const officerId = z.string().min(1).max(120);
const stepIndex = z.number().int().min(0).max(50);
const opinion = z.string().min(1).max(2000);
const reason = z.string().min(1).max(2000);
const basis = z.string().min(1).max(300);

/** 受理方式 as accepted by intake: complete, 容缺受理, 告知承诺, or deemed accepted (第三十二条). */
export const acceptanceMode = z.enum(["complete", "deferred-materials", "informed-commitment", "deemed"]);

/** The applicant's credit status as approval's own copy of credit's events had it when the case opened. */
export const caseCredit = z.object({
  status: z.enum(["green-channel", "normal", "strict-review"]),
  /** A past false 告知承诺 (国办发〔2020〕42号 §三(三)): strict review, never auto-approved. */
  pastFalsePromise: z.boolean(),
  /** Strict review (黑名单 or past false promise): never 秒批 (国办发〔2019〕35号 §二(七)). */
  strictReview: z.boolean(),
  /** 红名单: the 绿色通道 flag (国办发〔2019〕35号 §二(六)). */
  greenChannel: z.boolean(),
});

/** One of the matter's process steps (e.g. 承办 → 审核 → 批准), assigned to the implementing department. */
export const caseStep = z.object({
  index: stepIndex,
  name: z.string().min(1).max(100),
  /** Working days for this step: the matter's, or the promised limit split over the steps. */
  timeLimitDays: z.number().int().min(0).max(365),
});

/**
 * The working-day clock as opened: its limit (the matter's promised limit; 45 for joint/bundle handling,
 * 行政许可法 第二十六条), the first day counted (the day after acceptance) and the due date. When a year the count
 * crosses has no published calendar, `problem` says so and `dueOn` is absent: never a silent weekday count.
 */
export const caseClock = z.object({
  limitDays: z.number().int().min(0).max(365),
  /** The statutory limit (第四十二条: 20, +10 once; joint 45, +15). */
  statutoryLimitDays: z.number().int().min(0).max(365),
  joint: z.boolean(),
  countsFrom: isoDate,
  dueOn: isoDate.optional(),
  calendarVersion: z.string().max(200).optional(),
  problem: z.string().min(1).max(500).optional(),
});

/** The matter version the case runs under, as approval's copy of the catalog had it. */
export const caseMatter = z.object({
  matterId: z.string().min(1).max(64),
  version: z.number().int().min(1),
  name: z.string().min(1).max(200),
  implementationCode: z.string().length(31),
  department: departmentRef,
  /** 监管主体 ("谁审批、谁监管"). */
  supervisingDepartment: departmentRef.optional(),
  region: regionCode,
  promisedTimeLimitDays: z.number().int().min(0),
  statutoryTimeLimitDays: z.number().int().min(0),
  /** The result the case produces (e.g. 食品经营许可证). */
  resultName: z.string().min(1).max(200).optional(),
  resultType: z.enum(["certificate", "approval-document", "other"]).optional(),
  /** How long the permit is valid, in years (the matter version's; absent: 5). */
  resultValidityYears: z.number().int().min(1).max(30).optional(),
  /** 许可范围 printed on the certificate (the matter version's; absent: the matter's name). */
  resultScope: z.string().min(1).max(1000).optional(),
});

export const caseOpened = z.object({
  caseId,
  applicationId,
  bundleApplicationId: applicationId.optional(),
  caseNumber: z.string().min(1).max(60),
  matter: caseMatter,
  applicant: subjectRef,
  acceptanceMode,
  acceptedOn: isoDate,
  steps: z.array(caseStep).min(1),
  clock: caseClock,
  credit: caseCredit,
  openedAt: isoInstant,
});

/** 秒批 eligibility as assessed against the matter version's rules (data, not code): the reasons when not. */
export const autoApprovalAssessed = z.object({
  caseId,
  eligible: z.boolean(),
  /** Each rule that failed, e.g. `acceptance-mode`, `materials`, `applicant-kind`, `credit`. */
  reasons: z.array(z.object({ rule: z.string().min(1).max(60), detail: z.string().min(1).max(500) })),
  assessedAt: isoInstant,
});

export const stepClaimed = z.object({
  caseId,
  stepIndex,
  stepName: z.string().min(1).max(100),
  officerId,
  /** The officer's department (统一社会信用代码). */
  department: z.string().min(1).max(18),
  claimedAt: isoInstant,
});

export const stepCompleted = z.object({
  caseId,
  stepIndex,
  stepName: z.string().min(1).max(100),
  officerId,
  opinion,
  /** The officer's recommendation for the decision. */
  recommendation: z.enum(["approve", "refuse"]),
  completedAt: isoInstant,
});

/** 退回: back to the previous step, with a reason. */
export const stepReturned = z.object({
  caseId,
  fromStep: stepIndex,
  toStep: stepIndex,
  officerId,
  reason,
  returnedAt: isoInstant,
});

/** 转办: handed to a colleague of the same department. */
export const stepReassigned = z.object({
  caseId,
  stepIndex,
  fromOfficerId: officerId,
  toOfficerId: officerId,
  reason,
  reassignedAt: isoInstant,
});

/** A procedure code: one of 第四十五条's (听证 … 专家评审) or a configured local one (现场勘验, 技术审查, 公示 …). */
export const procedureCode = z.string().regex(/^[a-z][a-z-]{0,39}$/);

/**
 * 特别程序 started: its working days do not count against the limit (行政许可法 第四十五条), and the applicant is
 * told so in writing (the notice text and the basis travel with the event).
 */
export const specialProcedureStarted = z.object({
  caseId,
  procedureId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  procedure: procedureCode,
  name: z.string().min(1).max(100),
  startedOn: isoDate,
  expectedEndOn: isoDate,
  legalBasis: basis,
  /** 书面告知申请人: the notice's text. */
  notice: z.string().min(1).max(2000),
  officerId,
  startedAt: isoInstant,
});

export const specialProcedureEnded = z.object({
  caseId,
  procedureId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  endedOn: isoDate,
  /** Working days excluded from the limit (start to end, both counted). */
  daysExcluded: z.number().int().min(0),
  /** The due date after the pause, when the calendar covers it. */
  dueOn: isoDate.optional(),
  outcome: z.string().min(1).max(2000).optional(),
  officerId,
  endedAt: isoInstant,
});

/** 延长: +10 working days once (+15 for joint handling), with a reason, approved by a department head (第四十二条). */
export const extensionGranted = z.object({
  caseId,
  extraDays: z.number().int().min(1).max(30),
  reason,
  approvedBy: officerId,
  dueOn: isoDate.optional(),
  grantedOn: isoDate,
  grantedAt: isoInstant,
});

/** The applicant's rights after a refusal (行政许可法 第三十八条; 行政复议法 第二十条: 60 days; 行政诉讼法 第四十六条: 6 months). */
export const rightsNotice = z.object({
  reconsiderationDays: z.number().int().min(1),
  reconsiderationBody: z.string().min(1).max(200).optional(),
  litigationMonths: z.number().int().min(1),
  text: z.string().min(1).max(2000),
});

/** 准予 or 不予 (第三十八条). After it no step changes. `auto` for 秒批 (no officer). */
export const caseDecided = z.object({
  caseId,
  outcome: z.enum(["approved", "refused"]),
  auto: z.boolean(),
  decidedBy: officerId,
  decidedOn: isoDate,
  decidedAt: isoInstant,
  /** Refusals: the reason, its basis and the rights notice. */
  reason: reason.optional(),
  legalBasis: basis.optional(),
  rightsNotice: rightsNotice.optional(),
  /** Working days used (pauses excluded) and whether within the limit. */
  workingDaysUsed: z.number().int().min(0).optional(),
  withinLimit: z.boolean().optional(),
  /** 准予: the certificate is due within 10 working days of the decision (第四十四条). */
  certificateDueOn: isoDate.optional(),
  /** The permit the decision grants (准予 only). */
  permitId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,80}$/)
    .optional(),
});

/** The application ended at intake after acceptance (withdrawn, or 容缺 materials not supplied): the case closes undecided. */
export const caseClosed = z.object({
  caseId,
  reason: z.enum(["application-withdrawn", "application-terminated"]),
  closedOn: isoDate,
});

/** The certificate was issued for the case's permit (its deadline met or missed). */
export const caseCertificateIssued = z.object({
  caseId,
  certificateNo: z.string().min(1).max(80),
  issuedOn: isoDate,
  /** Issued by the certificate deadline (第四十四条). */
  withinDeadline: z.boolean(),
});
