import type { DepartmentRef, MatterElements } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";

type NoData = Record<string, never>;

export type DraftMatter = Command<"DraftMatter", { matterId: string; elements: MatterElements }>;
export type ReviseMatter = Command<"ReviseMatter", { elements: MatterElements }>;
export type ClaimMatter = Command<"ClaimMatter", NoData>;
export type PublishMatter = Command<"PublishMatter", { effectiveFrom?: string }>;
export type SuspendMatter = Command<"SuspendMatter", { reason: string }>;
export type ResumeMatter = Command<"ResumeMatter", NoData>;
export type RetireMatter = Command<"RetireMatter", { reason: string }>;
export type RequestTransfer = Command<"RequestTransfer", { to: DepartmentRef; reason: string }>;
export type ConfirmTransfer = Command<"ConfirmTransfer", NoData>;
export type CancelTransfer = Command<"CancelTransfer", { reason: string }>;

/** What a catalog administrator or a department asks of a matter. */
export type MatterCommand =
  | DraftMatter
  | ReviseMatter
  | ClaimMatter
  | PublishMatter
  | SuspendMatter
  | ResumeMatter
  | RetireMatter
  | RequestTransfer
  | ConfirmTransfer
  | CancelTransfer;
