import type { CreditEventData, CreditList, DepartmentRef, Severity } from "@gov/contracts";

/** Who issues a command and when (domain code never reads the clock). */
export interface CommandMetadata {
  now: string;
  actor: { id: string; role: string; department?: string };
}

type Cmd<T extends string, D> = { type: T; data: D; metadata: CommandMetadata };

export type ListingInput = {
  listingId: string;
  list: CreditList;
  severity?: Severity;
  ground?: CreditEventData["ListingProposed"]["ground"];
  issuingDepartment: DepartmentRef;
  legalBasis: string;
  reason: string;
  /** Defaults to the business date of the command. */
  startDate?: string;
  /** Red list only: when the entry ends, if not after the measures list's default. */
  validUntil?: string;
  source: CreditEventData["ListingProposed"]["source"];
};

export type SubjectCommand =
  | Cmd<"RegisterSubject", Omit<CreditEventData["SubjectRegistered"], never>>
  | Cmd<"ProposeListing", ListingInput>
  | Cmd<"FileObjection", { listingId: string; grounds: string }>
  | Cmd<"DecideObjection", { listingId: string; upheld: boolean; reasons: string }>
  | Cmd<"TakeEffect", { listingId: string }>
  | Cmd<"RequestRepair", { listingId: string; dutiesPerformed: string[]; creditPromise: boolean }>
  | Cmd<"DecideRepair", { listingId: string; approved: boolean; reasons: string }>
  | Cmd<"WithdrawListing", { listingId: string; reason: string }>
  | Cmd<"ExpireListing", { listingId: string }>
  | Cmd<"EraseIdentity", { request: string }>;
