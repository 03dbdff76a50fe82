import { z } from "zod";
import { departmentRef, isoDate, isoInstant } from "../codes.ts";
import { protectedIdentity } from "../credit/events.ts";
import { applicationId } from "../intake/events.ts";
import { subjectRef } from "../subjects.ts";

/**
 * The permit (行政许可) a 准予 decision grants and its electronic certificate (电子证照, 国办发〔2022〕3号 电子证照
 * 扩大应用领域). One stream per permit, `permit-<permitId>`, topic `gov.approval.permit.v1`: its certificate versions,
 * their delivery, and every later change (变更, 延续, 撤回, 撤销, 注销, 吊销; 行政许可法 第四十九条, 第五十条, 第八条,
 * 第六十九条, 第七十条; 行政处罚法 第九条).
 */

export const permitId = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/);
export const certificateNo = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/);
const officerId = z.string().min(1).max(120);
const reason = z.string().min(1).max(2000);
const basis = z.string().min(1).max(300);

/** The department's seal over the certificate: which algorithm, which key (rotations keep old keys), the value. */
export const certificateSignature = z.object({
  /** SM2 with SM3 (GB/T 38540 electronic seal) where the runtime supports it, otherwise Ed25519. */
  algorithm: z.string().min(1).max(40),
  keyId: z.string().min(1).max(120),
  /** Base64 signature over the canonical certificate content. */
  value: z.string().min(1).max(4000),
  /** The sealing department's code, as the seal header names it (covered by the signature). */
  department: z.string().min(1).max(18).optional(),
  /** When it was sealed, as the seal header names it (covered by the signature). */
  signedAt: isoInstant.optional(),
});

/** What a certificate states; the signature covers exactly this (canonical JSON). */
export const certificateContent = z.object({
  certificateNo,
  permitId,
  version: z.number().int().min(1),
  /** The permit's name (the matter's result), e.g. 食品经营许可证. */
  permitName: z.string().min(1).max(200),
  caseId: applicationId,
  caseNumber: z.string().min(1).max(60),
  matterId: z.string().min(1).max(64),
  matterVersion: z.number().int().min(1),
  /** Organisation code, or a person's pseudonymous subject id: never a name or ID number in the clear. */
  holder: subjectRef,
  /** 许可范围. */
  scope: z.string().min(1).max(1000),
  validFrom: isoDate,
  validUntil: isoDate,
  issuingDepartment: departmentRef,
  issuedOn: isoDate,
});

export const certificateIssued = certificateContent.extend({
  /** A person holder's name and ID number, encrypted under their own key (`@gov/pii`); absent for organisations. */
  holderIdentity: protectedIdentity.optional(),
  /** The version this one replaces (变更, 延续). */
  supersedes: certificateNo.optional(),
  /** The seal; absent only while signing has not happened yet (then CertificateSigned follows). */
  signature: certificateSignature.optional(),
  /** 秒批: issued in the same flow as acceptance. */
  auto: z.boolean(),
  issuedAt: isoInstant,
});

/** The seal applied after issue, when signing is a separate step. */
export const certificateSigned = z.object({
  permitId,
  certificateNo,
  signature: certificateSignature,
  signedAt: isoInstant,
});

/** 送达: at the window, by EMS (tracking number), at a self-service locker, or by download. */
export const certificateDelivered = z.object({
  permitId,
  certificateNo,
  method: z.enum(["window", "ems", "locker", "download"]),
  trackingNumber: z.string().min(1).max(60).optional(),
  lockerCode: z.string().min(1).max(60).optional(),
  deliveredOn: isoDate,
  deliveredAt: isoInstant,
  officerId: officerId.optional(),
  /** The case the certificate was issued for (the application id), so that a follower of the case sees 领证. */
  caseId: applicationId.optional(),
});

const change = z.object({
  permitId,
  reason,
  legalBasis: basis,
  decidedBy: officerId,
  decidedOn: isoDate,
  decidedAt: isoInstant,
});

/** 变更 on the holder's application (第四十九条): a new certificate version follows. */
export const permitAmended = change.extend({
  scope: z.string().min(1).max(1000),
  newCertificateNo: certificateNo,
});

/** 延续 before expiry (第五十条): a new certificate version with the new validity follows. */
export const permitRenewed = change.extend({
  validUntil: isoDate,
  newCertificateNo: certificateNo,
});

/** 撤回 (第八条: the law or circumstances changed; the holder is compensated). */
export const permitWithdrawn = change;

/** 撤销 (第六十九条; mandatory for deceit or bribery, 第六十九条第二款; a false 告知承诺, 国办发〔2020〕42号). */
export const permitRescinded = change.extend({
  ground: z.enum(["deceit-or-bribery", "false-promise", "unlawful-grant", "other"]),
  /** 撤销决定书文号. */
  decisionNumber: z.string().min(1).max(120),
  /** The finding that led to it, if any. */
  findingId: z.string().min(1).max(64).optional(),
});

/** 注销 (第七十条): expired, holder gone, or after 撤销/撤回/吊销. */
export const permitCancelled = change.extend({
  ground: z.enum(["expired", "holder-gone", "after-revocation", "after-withdrawal", "other"]),
});

/** A revocation the department must decide, opened by a monitoring finding (审管联动). */
export const revocationProposed = z.object({
  permitId,
  findingId: z.string().min(1).max(64),
  kind: z.enum(["rescind", "revoke"]),
  reason,
  legalBasis: basis,
  penaltyDecision: z.string().min(1).max(120).optional(),
  proposedOn: isoDate,
});

/** The department declined a proposed revocation, with its reason. */
export const revocationDismissed = z.object({
  permitId,
  findingId: z.string().min(1).max(64),
  reason,
  decidedBy: officerId,
  decidedOn: isoDate,
});
