import type { ExchangeStepDetails } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";
import type { CaseBase } from "./report.ts";

/** The event a report comes from: its id (a repeat reports nothing), its type and when it happened. */
export interface SourceEvent {
  eventId: string;
  type: string;
  occurredAt: string;
}

type Details<S extends ExchangeStepDetails["step"]> = Omit<Extract<ExchangeStepDetails, { step: S }>, "step">;

/** 申办 (and 网上预受理 for the online and mobile channels): an application was submitted. */
export type ReportSubmission = Command<
  "ReportSubmission",
  { source: SourceEvent; case: CaseBase } & Details<"application">
>;
/** 补交告知: a correction notice (一次性告知). */
export type ReportCorrectionNotice = Command<
  "ReportCorrectionNotice",
  { source: SourceEvent } & Details<"correction-notice">
>;
/** 补交受理: the applicant supplied what the notice asked for. */
export type ReportSupplement = Command<
  "ReportSupplement",
  { source: SourceEvent } & Details<"correction-acceptance">
>;
/** 受理: accepted, with its 办件编号 (every earlier row is re-reported under it). */
export type ReportAcceptance = Command<
  "ReportAcceptance",
  { source: SourceEvent; caseNumber: string } & Details<"acceptance">
>;
/** 不予受理. */
export type ReportRefusal = Command<"ReportRefusal", { source: SourceEvent } & Details<"refusal">>;

/** 承办 / 审核 / 批准: an approval step was completed (approval's step of that name). */
export type ReportApprovalStep = Command<
  "ReportApprovalStep",
  { source: SourceEvent; step: "undertaking" | "review" | "approval" } & Details<"undertaking">
>;
/** 特别程序申请: a special procedure started (行政许可法 第四十五条). */
export type ReportSpecialProcedureStart = Command<
  "ReportSpecialProcedureStart",
  { source: SourceEvent } & Details<"special-procedure-request">
>;
/** 特别程序结果: it ended. */
export type ReportSpecialProcedureEnd = Command<
  "ReportSpecialProcedureEnd",
  { source: SourceEvent } & Details<"special-procedure-result">
>;
/** 办结: the case was decided (准予 or 不予). */
export type ReportConclusion = Command<"ReportConclusion", { source: SourceEvent } & Details<"conclusion">>;

/** 领证: the certificate was handed over or delivered (颁发、送达, 行政许可法 第四十四条). */
export type ReportDelivery = Command<"ReportDelivery", { source: SourceEvent } & Details<"delivery">>;

export type ReportCommand =
  | ReportSubmission
  | ReportCorrectionNotice
  | ReportSupplement
  | ReportAcceptance
  | ReportRefusal
  | ReportApprovalStep
  | ReportSpecialProcedureStart
  | ReportSpecialProcedureEnd
  | ReportConclusion
  | ReportDelivery;
