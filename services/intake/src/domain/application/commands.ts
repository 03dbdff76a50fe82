import type { DeferralPromise, IntakeEventData, MaterialProvision } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";

export type SubmitApplication = Command<
  "SubmitApplication",
  Omit<IntakeEventData["ApplicationSubmitted"], "receivedOn" | "flags">
>;
/**
 * The window's completeness check; `caseNumber` is allocated by the caller in case it accepts. A decision of
 * 容缺受理 needs the applicant's signed promise (`deferralPromise`, 国发〔2022〕5号).
 */
export type CheckApplication = Command<
  "CheckApplication",
  { defects: { materialId: string; note: string }[]; caseNumber?: string; deferralPromise?: DeferralPromise }
>;
export type SupplementMaterials = Command<"SupplementMaterials", { materials: MaterialProvision[] }>;
export type RejectApplication = Command<"RejectApplication", { reason: string; legalBasis: string }>;
export type SupplyDeferredMaterials = Command<"SupplyDeferredMaterials", { materials: MaterialProvision[] }>;
export type WithdrawApplication = Command<"WithdrawApplication", { reason: string }>;
/** Scheduled: no notice within 5 working days → accepted on the day of receipt (行政许可法 第三十二条). */
export type DeemAccepted = Command<"DeemAccepted", { caseNumber?: string }>;
/** Scheduled: 容缺 materials not supplied by the deadline → the case is terminated. */
export type TerminateUnsupplied = Command<"TerminateUnsupplied", Record<string, never>>;

export type ApplicationCommand =
  | SubmitApplication
  | CheckApplication
  | SupplementMaterials
  | RejectApplication
  | SupplyDeferredMaterials
  | WithdrawApplication
  | DeemAccepted
  | TerminateUnsupplied;
