import { applicationId, freeText, isoDate, permitId, procedureCode, subjectId } from "@gov/contracts";
import { pageQuery } from "@gov/service-kit";
import { z } from "zod";

export const caseParams = z.object({ caseId: applicationId });
export const stepParams = z.object({ caseId: applicationId, index: z.coerce.number().int().min(0).max(50) });
export const procedureParams = z.object({
  caseId: applicationId,
  procedureId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
});
export const bundleParams = z.object({ bundleApplicationId: applicationId });
export const permitParams = z.object({ permitId });
export const certificateParams = z.object({ no: z.string().regex(/^[A-Za-z0-9_-]{1,80}(\.pdf)?$/) });
/** A holder's certificates, in pages (`limit`, `after`). */
export const holderQuery = z.object({ holder: subjectId, ...pageQuery });

const basis = freeText(300);
const reason = freeText(2000);

export const completeBody = z
  .object({ opinion: freeText(2000), recommendation: z.enum(["approve", "refuse"]) })
  .strict();
export const returnBody = z.object({ reason }).strict();
export const reassignBody = z.object({ toOfficerId: z.string().trim().min(1).max(120), reason }).strict();
export const procedureBody = z
  .object({
    procedureId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    procedure: procedureCode,
    startedOn: isoDate,
    expectedEndOn: isoDate,
    legalBasis: basis,
    /** 书面告知: the text sent to the applicant. */
    notice: freeText(2000),
  })
  .strict();
export const endProcedureBody = z.object({ endedOn: isoDate, outcome: freeText(2000).optional() }).strict();
export const extensionBody = z.object({ reason }).strict();
export const decisionBody = z
  .object({
    outcome: z.enum(["approved", "refused"]),
    reason: reason.optional(),
    legalBasis: basis.optional(),
  })
  .strict();
export const deliveryBody = z
  .object({
    method: z.enum(["window", "ems", "locker", "download"]),
    trackingNumber: z
      .string()
      .regex(/^[A-Za-z0-9]{6,40}$/)
      .optional(),
    lockerCode: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,40}$/)
      .optional(),
  })
  .strict();
const change = { reason, legalBasis: basis };
export const amendBody = z.object({ ...change, scope: freeText(1000) }).strict();
export const renewBody = z.object({ ...change, validUntil: isoDate }).strict();
export const withdrawBody = z.object(change).strict();
export const rescindBody = z
  .object({
    ...change,
    ground: z.enum(["deceit-or-bribery", "false-promise", "unlawful-grant", "other"]),
    decisionNumber: freeText(120),
  })
  .strict();
export const revokeBody = z.object({ ...change, penaltyDecision: freeText(120) }).strict();
export const cancelBody = z
  .object({
    ...change,
    ground: z.enum(["expired", "holder-gone", "after-revocation", "after-withdrawal", "other"]),
  })
  .strict();
export const dismissBody = z
  .object({ findingId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), reason })
  .strict();

/** A certificate presented for checking: the signed document as `GET /approval/certificates/{no}` gives it. */
export const verifyBody = z.object({
  document: z.record(z.string(), z.unknown()),
  seal: z.record(z.string(), z.unknown()),
});
