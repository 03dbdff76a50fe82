import { z } from "zod";
import { departmentRef, isoDate } from "../codes.ts";
import { subjectRef } from "../subjects.ts";

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
  PermitRevoked: "gov.approval.permit.revoked.v1",
} as const;

export const approvalEventSchemas = {
  PermitRevoked: permitRevoked,
} as const;

export type ApprovalEventData = {
  [K in keyof typeof approvalEventSchemas]: z.infer<(typeof approvalEventSchemas)[K]>;
};
