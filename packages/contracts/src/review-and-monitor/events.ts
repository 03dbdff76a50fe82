import { z } from "zod";
import { departmentRef, isoDate } from "../codes.ts";
import { subjectRef } from "../subjects.ts";
import {
  clockStarted,
  clockStopped,
  deadlineWarningCleared,
  deadlineWarningRaised,
  feedbackOpened,
  feedbackReopened,
  feedbackStepDone,
  handlingUrged,
  inspectionRecorded,
  maliciousRatingAppealDecided,
  maliciousRatingAppealed,
  measureRequested,
  penaltyDecided,
  pushClaimed,
  pushOverdue,
  pushReceived,
  ratingChangeRefused,
  ratingSubmitted,
} from "./supervision.ts";
import {
  promiseVerificationConcluded,
  promiseVerificationOpened,
  samplingSeedRevealed,
} from "./verification.ts";

export * from "./supervision.ts";
export * from "./verification.ts";

/**
 * Findings that review-and-monitor (审管互动) publishes and credit turns into proposed list entries (审管互动 and
 * 信用联合惩戒: 国办发〔2020〕42号 §三(三), 国办发〔2019〕35号). Defined here before that service exists, so it publishes exactly these.
 */
const finding = z.object({
  findingId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  subject: subjectRef,
  /** The department that found it (监管主体). */
  department: departmentRef,
  /** The law or rule broken, e.g. 《中华人民共和国食品安全法》第一百二十二条. */
  legalBasis: z.string().min(1).max(300),
  description: z.string().min(1).max(2000),
  foundOn: isoDate,
  /** The case or permit the finding concerns, if any. */
  caseId: z.string().min(1).max(80).optional(),
  permitId: z.string().min(1).max(80).optional(),
});

/** An inspection found a violation; `severity` per the penalty decision (轻微/一般/严重). */
export const violationFound = finding.extend({
  severity: z.enum(["minor", "general", "serious"]),
  /** The penalty decision's number (行政处罚决定书文号), when a penalty was decided. */
  penaltyDecision: z.string().min(1).max(120).optional(),
});

/** 告知承诺 post-verification found the promise false (国办发〔2020〕42号 §三(三): a false promise → a credit record). */
export const falsePromiseFound = finding.extend({
  /** The matter whose 告知承诺 was false. */
  matterId: z.string().min(1).max(64),
});

export const reviewAndMonitorEventTypes = {
  ViolationFound: "gov.review-and-monitor.finding.violation-found.v1",
  FalsePromiseFound: "gov.review-and-monitor.finding.false-promise-found.v1",
  MeasureRequested: "gov.review-and-monitor.finding.measure-requested.v1",
  PenaltyDecided: "gov.review-and-monitor.finding.penalty-decided.v1",
  InspectionRecorded: "gov.review-and-monitor.inspection.recorded.v1",
  RatingSubmitted: "gov.review-and-monitor.rating.submitted.v1",
  RatingChangeRefused: "gov.review-and-monitor.rating.change-refused.v1",
  FeedbackOpened: "gov.review-and-monitor.feedback.opened.v1",
  FeedbackStepDone: "gov.review-and-monitor.feedback.step-done.v1",
  FeedbackReopened: "gov.review-and-monitor.feedback.reopened.v1",
  MaliciousRatingAppealed: "gov.review-and-monitor.feedback.appealed.v1",
  MaliciousRatingAppealDecided: "gov.review-and-monitor.feedback.appeal-decided.v1",
  ClockStarted: "gov.review-and-monitor.watch.clock-started.v1",
  ClockStopped: "gov.review-and-monitor.watch.clock-stopped.v1",
  DeadlineWarningRaised: "gov.review-and-monitor.watch.warning-raised.v1",
  DeadlineWarningCleared: "gov.review-and-monitor.watch.warning-cleared.v1",
  HandlingUrged: "gov.review-and-monitor.watch.urged.v1",
  PushReceived: "gov.review-and-monitor.push.received.v1",
  PushClaimed: "gov.review-and-monitor.push.claimed.v1",
  PushOverdue: "gov.review-and-monitor.push.overdue.v1",
  PromiseVerificationOpened: "gov.review-and-monitor.verification.opened.v1",
  PromiseVerificationConcluded: "gov.review-and-monitor.verification.concluded.v1",
  SamplingSeedRevealed: "gov.review-and-monitor.sampling.seed-revealed.v1",
} as const;

export const reviewAndMonitorEventSchemas = {
  ViolationFound: violationFound,
  FalsePromiseFound: falsePromiseFound,
  MeasureRequested: measureRequested,
  PenaltyDecided: penaltyDecided,
  InspectionRecorded: inspectionRecorded,
  RatingSubmitted: ratingSubmitted,
  RatingChangeRefused: ratingChangeRefused,
  FeedbackOpened: feedbackOpened,
  FeedbackStepDone: feedbackStepDone,
  FeedbackReopened: feedbackReopened,
  MaliciousRatingAppealed: maliciousRatingAppealed,
  MaliciousRatingAppealDecided: maliciousRatingAppealDecided,
  ClockStarted: clockStarted,
  ClockStopped: clockStopped,
  DeadlineWarningRaised: deadlineWarningRaised,
  DeadlineWarningCleared: deadlineWarningCleared,
  HandlingUrged: handlingUrged,
  PushReceived: pushReceived,
  PushClaimed: pushClaimed,
  PushOverdue: pushOverdue,
  PromiseVerificationOpened: promiseVerificationOpened,
  PromiseVerificationConcluded: promiseVerificationConcluded,
  SamplingSeedRevealed: samplingSeedRevealed,
} as const;

export type ReviewAndMonitorEventData = {
  [K in keyof typeof reviewAndMonitorEventSchemas]: z.infer<(typeof reviewAndMonitorEventSchemas)[K]>;
};
