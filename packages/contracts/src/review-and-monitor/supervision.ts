import { z } from "zod";
import { departmentRef, isoDate } from "../codes.ts";
import { freeText } from "../free-text.ts";
import { subjectRef } from "../subjects.ts";

/**
 * Review-and-monitor's own events besides the findings credit reacts to: 好差评 ratings and their closed loop
 * (国办发〔2019〕51号), complaints from the 12345 hotline and the 找茬窗口 on the same loop (国办发〔2020〕53号),
 * inspections and penalty decisions (行政处罚法 第四十八条: decisions are published), and deadline warnings on
 * other services' clocks. Raters and complainants appear only as keyed pseudonyms (64 hex characters).
 */

const id = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "1–100 letters, digits, '_', '.' or '-'");
/** HMAC-SHA-256 of the rater's (or complainant's) subject id under the platform's PII index key. */
export const pseudonym = z.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex characters");

/** The five levels of 国办发〔2019〕51号; the last two are 差评. */
export const ratingLevel = z.enum([
  "very-satisfied",
  "satisfied",
  "basically-satisfied",
  "dissatisfied",
  "very-dissatisfied",
]);
export type RatingLevel = z.infer<typeof ratingLevel>;
/** 一次一评 (on site), 一事一评 (online, per case), 综合点评, 监督查评 (国办发〔2019〕51号). */
export const ratingChannel = z.enum(["on-site", "per-case", "comprehensive", "supervisory"]);

export const ratingSubmitted = z.object({
  ratingId: id,
  caseId: z.string().min(1).max(80),
  department: departmentRef,
  matterId: z.string().min(1).max(64).optional(),
  channel: ratingChannel,
  level: ratingLevel,
  /** Scores per dimension (e.g. 办事效率), 1–5. */
  dimensions: z.record(z.string().min(1).max(40), z.number().int().min(1).max(5)).optional(),
  comment: freeText(2000).optional(),
  rater: pseudonym,
  /** Who entered it: the applicant itself, or the window's rating device for the applicant (一次一评). */
  enteredBy: z.enum(["applicant", "window"]),
  ratedOn: isoDate,
});

/** A refused attempt to change or delete a rating (ratings are append-only: 国办发〔2019〕51号 不得强制或干预评价). */
export const ratingChangeRefused = z.object({
  ratingId: id,
  attempt: z.enum(["change", "delete"]),
  attemptedOn: isoDate,
});

/** The closed loop's kinds: a 差评, or a complaint or suggestion from 12345 or the 找茬窗口. */
export const feedbackKind = z.enum(["bad-rating", "complaint"]);
export const feedbackStep = z.enum(["accept", "call-back", "verify", "answer", "close"]);
export type FeedbackStep = z.infer<typeof feedbackStep>;

/** What a closed-loop step found: call-back reached and satisfied or not; verify founded or not; answer rectified or explained. */
export const feedbackOutcome = z.enum([
  "accepted",
  "reached-satisfied",
  "reached-dissatisfied",
  "not-reached",
  "founded",
  "unfounded",
  "rectified",
  "explained",
  "follow-up-rating",
  "closed",
]);

export const feedbackOpened = z.object({
  feedbackId: id,
  kind: feedbackKind,
  /** The rating a 差评 loop follows. */
  ratingId: id.optional(),
  /** A complaint's channel and category. */
  complaint: z
    .object({
      channel: z.enum(["hotline-12345", "zhaocha-window"]),
      category: z.enum(["complaint", "suggestion"]),
      summary: freeText(2000),
    })
    .optional(),
  /** The rater or complainant (pseudonym). */
  raisedBy: pseudonym,
  caseId: z.string().min(1).max(80).optional(),
  matterId: z.string().min(1).max(64).optional(),
  /** The department responsible (the rated department, or where the complaint is routed). */
  department: departmentRef,
  openedOn: isoDate,
  /** The first step and its deadline. */
  step: feedbackStep,
  dueOn: isoDate,
});

/** One step done; `next` is the step after it and its deadline (absent once closed). */
export const feedbackStepDone = z.object({
  feedbackId: id,
  step: feedbackStep,
  doneOn: isoDate,
  /** Done after its deadline. */
  late: z.boolean(),
  /** call-back: the person was reached and is satisfied; verify: founded; answer: rectified (else explained). */
  outcome: feedbackOutcome,
  note: freeText(2000).optional(),
  next: z.object({ step: feedbackStep, dueOn: isoDate }).optional(),
});

export const feedbackReopened = z.object({
  feedbackId: id,
  reopenedOn: isoDate,
  reason: freeText(2000),
  next: z.object({ step: feedbackStep, dueOn: isoDate }),
});

/** The rated department's appeal against a malicious rating (恶意差评, 国办发〔2019〕51号). */
export const maliciousRatingAppealed = z.object({
  feedbackId: id,
  ratingId: id,
  grounds: freeText(2000),
  appealedOn: isoDate,
});
export const maliciousRatingAppealDecided = z.object({
  feedbackId: id,
  ratingId: id,
  /** Upheld: the rating stays recorded and is left out of every KPI. */
  upheld: z.boolean(),
  reasons: freeText(2000),
  decidedOn: isoDate,
});

/** An inspection of a permit holder (事中事后监管: 国发〔2019〕18号 双随机、一公开). */
export const inspectionRecorded = z.object({
  inspectionId: id,
  subject: subjectRef,
  department: departmentRef,
  permitId: z.string().min(1).max(80).optional(),
  method: z.enum(["on-site", "document", "online", "sampling"]),
  inspectedOn: isoDate,
  result: z.enum(["compliant", "violation-found", "rectification-ordered"]),
  /** The finding, when one was recorded. */
  findingId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});

/**
 * The measure a violation calls for: a penalty, or a request to the issuing department to 撤销 (行政许可法 第六十九条),
 * 注销 (第七十条) or 吊销 (行政处罚法 第九条) the permit. Published beside ViolationFound on the finding's stream.
 */
export const measureRequested = z.object({
  findingId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  measure: z.enum(["penalty", "revoke-permit", "cancel-permit", "withdraw-permit"]),
  permitId: z.string().min(1).max(80).optional(),
  legalBasis: z.string().min(1).max(300),
  requestedOn: isoDate,
});

/** 行政处罚决定 recorded and published (行政处罚法 第四十八条: 行政处罚决定应当依法公开). */
export const penaltyDecided = z.object({
  findingId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  subject: subjectRef,
  department: departmentRef,
  /** 行政处罚决定书文号. */
  decisionNumber: z.string().min(1).max(120),
  penalties: z
    .array(z.enum(["warning", "fine", "confiscation", "suspension", "permit-withdrawn", "detention"]))
    .min(1),
  fineYuan: z.number().int().min(0).optional(),
  legalBasis: z.string().min(1).max(300),
  decidedOn: isoDate,
});

/** A deadline another service or a loop step runs on, as review-and-monitor follows it. */
export const clockKind = z.enum([
  "art32-notice",
  "deferred-supply",
  "promised-time-limit",
  "feedback-step",
  "approval-time-limit",
  "certificate-deadline",
]);
export const clockStarted = z.object({
  clockId: id,
  kind: clockKind,
  /** The case (intake application id) or the feedback loop the clock belongs to. */
  refId: z.string().min(1).max(100),
  department: departmentRef,
  startedOn: isoDate,
  dueOn: isoDate,
});
export const clockStopped = z.object({
  clockId: id,
  stoppedOn: isoDate,
  reason: z.string().min(1).max(200),
});
/** Yellow: at most the configured number of working days left; red: past the deadline. Raised once per threshold. */
export const deadlineWarningRaised = z.object({
  clockId: id,
  level: z.enum(["yellow", "red"]),
  department: departmentRef,
  dueOn: isoDate,
  /** Working days from the day of the warning to the deadline (negative: overdue by that many). */
  workingDaysLeft: z.number().int(),
  raisedOn: isoDate,
});
export const deadlineWarningCleared = z.object({
  clockId: id,
  level: z.enum(["yellow", "red"]),
  clearedOn: isoDate,
  reason: z.string().min(1).max(200),
});
/** 催办: a supervisor urges the handling department. */
export const handlingUrged = z.object({
  clockId: id,
  department: departmentRef,
  note: freeText(1000),
  urgedOn: isoDate,
});

/**
 * 审管互动 ("谁审批、谁监管，谁主管、谁监管"; 国发〔2019〕18号): an approval decision or a permit change pushed to the
 * supervising department (监管主体) as a task to claim (签收) within a number of working days (default 2).
 */
export const pushReceived = z.object({
  pushId: id,
  what: z.enum(["decision", "permit-change"]),
  /** The approval event pushed (its wire type and id). */
  sourceEvent: z.object({ type: z.string().min(1).max(120), id: z.string().min(1).max(100) }),
  caseId: z.string().min(1).max(80).optional(),
  permitId: z.string().min(1).max(80).optional(),
  /** e.g. approved, refused, amended, withdrawn, rescinded, cancelled, revoked. */
  outcome: z.string().min(1).max(40),
  approvingDepartment: departmentRef,
  supervisingDepartment: departmentRef,
  receivedOn: isoDate,
  claimBy: isoDate,
  /**
   * A decision's figures, as approval published them (dates, working days used, within the limit) and as this
   * service's copy of the catalog had the matter version (办件类型, 到现场次数): what the efficiency KPIs count.
   */
  decision: z
    .object({
      matterId: z.string().min(1).max(64),
      matterVersion: z.number().int().min(1),
      acceptanceMode: z.enum(["complete", "deferred-materials", "informed-commitment", "deemed"]),
      acceptedOn: isoDate,
      decidedOn: isoDate,
      workingDaysUsed: z.number().int().min(0).optional(),
      withinLimit: z.boolean().optional(),
      caseKind: z.enum(["on-the-spot", "promised"]).optional(),
      onSiteVisits: z.number().int().min(0).max(10).optional(),
    })
    .optional(),
});
export const pushClaimed = z.object({ pushId: id, claimedOn: isoDate, late: z.boolean() });
/** Not claimed by its date: escalated to the level above (a configurable role). */
export const pushOverdue = z.object({
  pushId: id,
  supervisingDepartment: departmentRef,
  claimBy: isoDate,
  overdueOn: isoDate,
  escalatedTo: z.string().min(1).max(40),
});
