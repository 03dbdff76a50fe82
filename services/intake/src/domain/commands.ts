import type { IntakeEventData, MaterialProvision } from "@gov/contracts";

/** Who issues a command and when (domain code never reads the clock). */
export interface CommandMetadata {
  now: string;
  actor: { id: string; role: string; department?: string; region?: string };
}

type Cmd<T extends string, D> = { type: T; data: D; metadata: CommandMetadata };

export type ApplicationCommand =
  | Cmd<"SubmitApplication", Omit<IntakeEventData["ApplicationSubmitted"], "receivedOn" | "flags">>
  /** The window's completeness check; `caseNumber` is allocated by the caller in case it accepts. */
  | Cmd<"CheckApplication", { defects: { materialId: string; note: string }[]; caseNumber?: string }>
  | Cmd<"SupplementMaterials", { materials: MaterialProvision[] }>
  | Cmd<"RejectApplication", { reason: string; legalBasis: string }>
  | Cmd<"SupplyDeferredMaterials", { materials: MaterialProvision[] }>
  | Cmd<"WithdrawApplication", { reason: string }>
  /** Scheduled: no notice within 5 working days → accepted on the day of receipt (行政许可法 Art. 32). */
  | Cmd<"DeemAccepted", { caseNumber?: string }>
  /** Scheduled: 容缺 materials not supplied by the deadline → the case is terminated (domain brief §2). */
  | Cmd<"TerminateUnsupplied", Record<string, never>>;
