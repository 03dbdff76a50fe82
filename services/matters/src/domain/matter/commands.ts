import type { DepartmentRef, MatterElements } from "@gov/contracts";

/** Who issues a command and when: from the HTTP layer or a scheduled process (domain code never reads the clock). */
export interface CommandMetadata {
  now: string;
  actor: { id: string; role: string; department?: string };
}

export type MatterCommand =
  | { type: "DraftMatter"; data: { matterId: string; elements: MatterElements }; metadata: CommandMetadata }
  | { type: "ReviseMatter"; data: { elements: MatterElements }; metadata: CommandMetadata }
  | { type: "ClaimMatter"; data: Record<string, never>; metadata: CommandMetadata }
  | { type: "PublishMatter"; data: { effectiveFrom?: string }; metadata: CommandMetadata }
  | { type: "SuspendMatter"; data: { reason: string }; metadata: CommandMetadata }
  | { type: "ResumeMatter"; data: Record<string, never>; metadata: CommandMetadata }
  | { type: "RetireMatter"; data: { reason: string }; metadata: CommandMetadata }
  | { type: "RequestTransfer"; data: { to: DepartmentRef; reason: string }; metadata: CommandMetadata }
  | { type: "ConfirmTransfer"; data: Record<string, never>; metadata: CommandMetadata }
  | { type: "CancelTransfer"; data: { reason: string }; metadata: CommandMetadata };
