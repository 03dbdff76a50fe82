import type { CreditEventData, CreditList, DepartmentRef, Severity } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";

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
  /** A person's free text, sealed under its key by the command path (the fields then hold SEALED_TEXT). */
  sealedText?: SealedText;
};

/** Free text about a person, sealed under the person's key (`@gov/contracts` `sealedText`). */
export type SealedText = NonNullable<CreditEventData["ObjectionFiled"]["sealedText"]>;
type Sealable = { sealedText?: SealedText };

export type RegisterSubject = Command<"RegisterSubject", CreditEventData["SubjectRegistered"]>;
export type ProposeListing = Command<"ProposeListing", ListingInput>;
export type FileObjection = Command<"FileObjection", { listingId: string; grounds: string } & Sealable>;
export type DecideObjection = Command<
  "DecideObjection",
  { listingId: string; upheld: boolean; reasons: string } & Sealable
>;
export type TakeEffect = Command<"TakeEffect", { listingId: string }>;
export type RequestRepair = Command<
  "RequestRepair",
  { listingId: string; dutiesPerformed: string[]; creditPromise: boolean } & Sealable
>;
export type DecideRepair = Command<
  "DecideRepair",
  { listingId: string; approved: boolean; reasons: string } & Sealable
>;
export type WithdrawListing = Command<"WithdrawListing", { listingId: string; reason: string } & Sealable>;
export type ExpireListing = Command<"ExpireListing", { listingId: string }>;
/** 移出经营异常名录: the subject applies after rectifying. */
export type RequestAbnormalOperationRemoval = Command<
  "RequestAbnormalOperationRemoval",
  { listingId: string; rectification: string[] }
>;
export type DecideAbnormalOperationRemoval = Command<
  "DecideAbnormalOperationRemoval",
  { listingId: string; approved: boolean; reasons: string }
>;
/** Scheduled: a 经营异常名录 entry still listed at the end of its period moves to the 严重违法失信名单. */
export type MoveToSeriousIllegalDishonestyList = Command<
  "MoveToSeriousIllegalDishonestyList",
  { listingId: string }
>;
/** 个人信息删除, first step: the request is recorded before the subject's key is destroyed. */
export type RequestErasure = Command<"RequestErasure", { request: string }>;
/** 个人信息删除, last step: the key is gone; records the erasure of the request being carried out. */
export type EraseIdentity = Command<"EraseIdentity", Record<string, never>>;

/** Everything that can be asked of a credit subject. */
export type SubjectCommand =
  | RegisterSubject
  | ProposeListing
  | FileObjection
  | DecideObjection
  | TakeEffect
  | RequestRepair
  | DecideRepair
  | WithdrawListing
  | ExpireListing
  | RequestAbnormalOperationRemoval
  | DecideAbnormalOperationRemoval
  | MoveToSeriousIllegalDishonestyList
  | RequestErasure
  | EraseIdentity;
