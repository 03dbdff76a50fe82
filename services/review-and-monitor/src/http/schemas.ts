import {
  departmentRef,
  feedbackOutcome,
  feedbackStep,
  freeText,
  isoDate,
  ratingChannel,
  ratingLevel,
  subjectId,
  subjectRef,
} from "@gov/contracts";
import { pageQuery } from "@gov/service-kit";
import { z } from "zod";

const ref = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1–64 letters, digits, '_' or '-'");

export const ratingBody = z
  .object({
    caseId: z.string().min(1).max(80),
    channel: ratingChannel,
    level: ratingLevel,
    dimensions: z.record(z.string().min(1).max(40), z.number().int().min(1).max(5)).optional(),
    comment: freeText(2000).optional(),
  })
  .strict();

/** Whatever a caller sends to change a rating: it is never applied, only recorded as an attempt. */
export const anyBody = z.unknown();

export const complaintBody = z
  .object({
    /** The hotline's or window's work-order number (工单号): a repeat with the same number is the same complaint. */
    complaintId: ref,
    channel: z.enum(["hotline-12345", "zhaocha-window"]),
    category: z.enum(["complaint", "suggestion"]),
    summary: freeText(2000),
    /** The complainant's subject id (`@gov/pii`); stored only as a pseudonym of it. */
    complainant: subjectId,
    /** Where it is routed: the responsible department. */
    department: departmentRef,
    caseId: z.string().min(1).max(80).optional(),
    matterId: z.string().min(1).max(64).optional(),
  })
  .strict();

export const stepBody = z
  .object({
    step: feedbackStep,
    outcome: feedbackOutcome,
    note: freeText(2000).optional(),
  })
  .strict();
export const reopenBody = z.object({ reason: freeText(2000) }).strict();
export const appealBody = z.object({ grounds: freeText(2000) }).strict();
export const appealDecisionBody = z.object({ upheld: z.boolean(), reasons: freeText(2000) }).strict();
export const urgeBody = z.object({ note: freeText(1000) }).strict();

export const inspectionBody = z
  .object({
    inspectionId: ref,
    subject: subjectRef,
    department: departmentRef,
    permitId: z.string().min(1).max(80).optional(),
    method: z.enum(["on-site", "document", "online", "sampling"]),
    inspectedOn: isoDate,
    result: z.enum(["compliant", "violation-found", "rectification-ordered"]),
    findingId: ref.optional(),
  })
  .strict();

export const violationBody = z
  .object({
    findingId: ref,
    subject: subjectRef,
    department: departmentRef,
    legalBasis: z.string().trim().min(1).max(300),
    description: freeText(2000),
    foundOn: isoDate,
    caseId: z.string().min(1).max(80).optional(),
    permitId: z.string().min(1).max(80).optional(),
    severity: z.enum(["minor", "general", "serious"]),
    penaltyDecision: z.string().min(1).max(120).optional(),
    measure: z.enum(["penalty", "revoke-permit", "cancel-permit", "withdraw-permit"]),
  })
  .strict();

export const penaltyBody = z
  .object({
    decisionNumber: z.string().trim().min(1).max(120),
    penalties: z
      .array(z.enum(["warning", "fine", "confiscation", "suspension", "permit-withdrawn", "detention"]))
      .min(1),
    fineYuan: z.number().int().min(0).optional(),
    legalBasis: z.string().trim().min(1).max(300),
    decidedOn: isoDate,
  })
  .strict();

export const findingParams = z.object({ id: ref });
export const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/) });
/** A calendar month, `YYYY-MM`. */
export const periodParams = z.object({
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month, YYYY-MM"),
});
/** Every list comes in pages: `limit` (default 50, at most 200) and `after`, the `next-cursor` of the page before. */
export const listQuery = z.object({
  ...pageQuery,
  department: z.string().min(1).max(40).optional(),
  level: z.enum(["yellow", "red"]).optional(),
  kind: z.enum(["bad-rating", "complaint"]).optional(),
});
export const kpiQuery = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  department: z.string().min(1).max(40).optional(),
});
export const pushQuery = z.object({
  ...pageQuery,
  department: z.string().min(1).max(40).optional(),
  status: z.enum(["pending", "claimed", "overdue"]).optional(),
});

export const verificationQuery = z.object({
  ...pageQuery,
  department: z.string().min(1).max(40).optional(),
  status: z.enum(["open", "not-sampled", "concluded"]).optional(),
});
/** 告知承诺 verification outcome: a false promise names the finding it publishes. */
export const verificationOutcomeBody = z
  .object({
    outcome: z.enum(["verified", "false"]),
    note: freeText(2000).optional(),
    findingId: ref.optional(),
  })
  .strict()
  .refine((b) => b.outcome !== "false" || b.findingId !== undefined, {
    path: ["findingId"],
    message: "a false promise names its finding",
  });
