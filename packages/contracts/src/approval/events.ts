import { z } from "zod";
import { departmentRef, isoDate } from "../codes.ts";
import { subjectRef } from "../subjects.ts";
import {
  autoApprovalAssessed,
  caseCertificateIssued,
  caseClosed,
  caseDecided,
  caseOpened,
  extensionGranted,
  specialProcedureEnded,
  specialProcedureStarted,
  stepClaimed,
  stepCompleted,
  stepReassigned,
  stepReturned,
} from "./case.ts";
import {
  certificateDelivered,
  certificateIssued,
  certificateSigned,
  permitAmended,
  permitCancelled,
  permitRenewed,
  permitRescinded,
  permitWithdrawn,
  revocationDismissed,
  revocationProposed,
} from "./permit.ts";

export * from "./case.ts";
export * from "./permit.ts";

/**
 * 吊销: a permit revoked as a penalty (行政处罚法 第九条: 吊销许可证件 is a penalty; 市场监督管理严重违法失信名单管理办法 makes it a trigger for listing).
 * Approval will publish it; credit already reacts to it. Defined before approval exists.
 */
export const permitRevoked = z.object({
  permitId: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/),
  holder: subjectRef,
  matterId: z.string().min(1).max(64),
  /** The permit's name, e.g. 食品经营许可证. */
  permitName: z.string().min(1).max(200),
  department: departmentRef,
  legalBasis: z.string().min(1).max(300),
  reason: z.string().min(1).max(2000),
  revokedOn: isoDate,
  /** 行政处罚决定书文号. */
  penaltyDecision: z.string().min(1).max(120),
});

export const approvalEventTypes = {
  CaseOpened: "gov.approval.case.opened.v1",
  AutoApprovalAssessed: "gov.approval.case.auto-approval-assessed.v1",
  StepClaimed: "gov.approval.case.step-claimed.v1",
  StepCompleted: "gov.approval.case.step-completed.v1",
  StepReturned: "gov.approval.case.step-returned.v1",
  StepReassigned: "gov.approval.case.step-reassigned.v1",
  SpecialProcedureStarted: "gov.approval.case.special-procedure-started.v1",
  SpecialProcedureEnded: "gov.approval.case.special-procedure-ended.v1",
  ExtensionGranted: "gov.approval.case.extension-granted.v1",
  CaseDecided: "gov.approval.case.decided.v1",
  CaseCertificateIssued: "gov.approval.case.certificate-issued.v1",
  CaseClosed: "gov.approval.case.closed.v1",
  CertificateIssued: "gov.approval.permit.certificate-issued.v1",
  CertificateSigned: "gov.approval.permit.certificate-signed.v1",
  CertificateDelivered: "gov.approval.permit.certificate-delivered.v1",
  PermitAmended: "gov.approval.permit.amended.v1",
  PermitRenewed: "gov.approval.permit.renewed.v1",
  PermitWithdrawn: "gov.approval.permit.withdrawn.v1",
  PermitRescinded: "gov.approval.permit.rescinded.v1",
  PermitCancelled: "gov.approval.permit.cancelled.v1",
  RevocationProposed: "gov.approval.permit.revocation-proposed.v1",
  RevocationDismissed: "gov.approval.permit.revocation-dismissed.v1",
  PermitRevoked: "gov.approval.permit.revoked.v1",
} as const;

export const approvalEventSchemas = {
  CaseOpened: caseOpened,
  AutoApprovalAssessed: autoApprovalAssessed,
  StepClaimed: stepClaimed,
  StepCompleted: stepCompleted,
  StepReturned: stepReturned,
  StepReassigned: stepReassigned,
  SpecialProcedureStarted: specialProcedureStarted,
  SpecialProcedureEnded: specialProcedureEnded,
  ExtensionGranted: extensionGranted,
  CaseDecided: caseDecided,
  CaseCertificateIssued: caseCertificateIssued,
  CaseClosed: caseClosed,
  CertificateIssued: certificateIssued,
  CertificateSigned: certificateSigned,
  CertificateDelivered: certificateDelivered,
  PermitAmended: permitAmended,
  PermitRenewed: permitRenewed,
  PermitWithdrawn: permitWithdrawn,
  PermitRescinded: permitRescinded,
  PermitCancelled: permitCancelled,
  RevocationProposed: revocationProposed,
  RevocationDismissed: revocationDismissed,
  PermitRevoked: permitRevoked,
} as const;

export type ApprovalEventName = keyof typeof approvalEventSchemas;
export type ApprovalEventData = {
  [K in keyof typeof approvalEventSchemas]: z.infer<(typeof approvalEventSchemas)[K]>;
};
