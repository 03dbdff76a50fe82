import type { ApprovalEventData } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";

type Content = ApprovalEventData["CertificateIssued"];
type Change = { reason: string; legalBasis: string };

export type IssueCertificate = Command<
  "IssueCertificate",
  Omit<Content, "version" | "certificateNo" | "issuedAt" | "signature" | "supersedes">
>;
export type SignCertificate = Command<
  "SignCertificate",
  { certificateNo: string; signature: NonNullable<Content["signature"]> }
>;
export type DeliverCertificate = Command<
  "DeliverCertificate",
  {
    certificateNo: string;
    method: ApprovalEventData["CertificateDelivered"]["method"];
    trackingNumber?: string;
    lockerCode?: string;
  }
>;
export type AmendPermit = Command<"AmendPermit", Change & { scope: string }>;
export type RenewPermit = Command<"RenewPermit", Change & { validUntil: string }>;
export type WithdrawPermit = Command<"WithdrawPermit", Change>;
export type RescindPermit = Command<
  "RescindPermit",
  Change & {
    ground: ApprovalEventData["PermitRescinded"]["ground"];
    decisionNumber: string;
    findingId?: string;
  }
>;
export type RevokePermit = Command<"RevokePermit", Change & { penaltyDecision: string; findingId?: string }>;
export type CancelPermit = Command<
  "CancelPermit",
  Change & { ground: ApprovalEventData["PermitCancelled"]["ground"] }
>;
export type ProposeRevocation = Command<"ProposeRevocation", ApprovalEventData["RevocationProposed"]>;
export type DismissRevocation = Command<"DismissRevocation", { findingId: string; reason: string }>;

export type PermitCommand =
  | IssueCertificate
  | SignCertificate
  | DeliverCertificate
  | AmendPermit
  | RenewPermit
  | WithdrawPermit
  | RescindPermit
  | RevokePermit
  | CancelPermit
  | ProposeRevocation
  | DismissRevocation;
