import {
  abnormalOperationGround,
  creditList,
  departmentRef,
  isoDate,
  listingId,
  severity,
  subjectId,
} from "@gov/contracts";
import { commandResult } from "@gov/service-kit";
import { z } from "zod";

export const subjectParams = z.object({ subjectId });
export const listingParams = z.object({ subjectId, listingId });
export const listParams = z.object({ list: creditList });

const name = z.string().trim().min(1).max(200);
export const registrationBody = z.discriminatedUnion("kind", [
  /** 居民身份证号: the check character is checked (GB 11643-1999). */
  z.object({ kind: z.literal("person"), idNumber: z.string().min(1).max(40), name }),
  /** 统一社会信用代码: an early code failing its check is accepted with a warning (GB 32100-2015). */
  z.object({ kind: z.literal("organisation"), creditCode: z.string().min(1).max(40), name }),
]);

/**
 * Identifiers go in a body, never in a URL (URLs end up in access logs): exactly one of `idNumber` and
 * `creditCode`, and why the caller looks (recorded with who looked up whom, never the number).
 */
export const lookupBody = z
  .object({
    idNumber: z.string().min(1).max(40).optional(),
    creditCode: z.string().min(1).max(40).optional(),
    purpose: z.string().trim().min(1).max(500),
  })
  .strict()
  .superRefine((b, ctx) => {
    if ((b.idNumber === undefined) === (b.creditCode === undefined))
      ctx.addIssue({
        code: "custom",
        path: [b.idNumber === undefined ? "idNumber" : "creditCode"],
        message: "give exactly one of idNumber and creditCode",
      });
  });

/** A page of a list: `limit` (default 50, at most 200) and the cursor `after` of the previous page's `next`. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.string().min(1).max(200).optional(),
});

export const listingBody = z.object({
  listingId,
  list: creditList,
  /** Black list only (refused on the red list and the 经营异常名录). */
  severity: severity.optional(),
  /** 经营异常名录 only, and required there. */
  ground: abnormalOperationGround.optional(),
  issuingDepartment: departmentRef,
  legalBasis: z.string().min(1).max(300),
  reason: z.string().min(1).max(2000),
  startDate: isoDate.optional(),
  validUntil: isoDate.optional(),
});

const text = z.string().trim().min(1).max(4000);
export const objectionBody = z.object({ grounds: text });
export const objectionDecisionBody = z.object({ upheld: z.boolean(), reasons: text });
export const repairBody = z.object({
  dutiesPerformed: z.array(z.string().trim().min(1).max(1000)).min(1),
  creditPromise: z.boolean(),
});
export const repairDecisionBody = z.object({ approved: z.boolean(), reasons: text });
/** 移出经营异常名录: what was rectified (the annual report filed, the information published or corrected …). */
export const removalBody = z.object({ rectification: z.array(z.string().trim().min(1).max(1000)).min(1) });
export const removalDecisionBody = z.object({ approved: z.boolean(), reasons: text });
export const withdrawBody = z.object({ reason: text });
export const erasureBody = z.object({ request: z.string().trim().min(1).max(500) });

/** A registration's reply: the one command reply, plus whether it created the subject and any warnings. */
export const registrationResult = commandResult.extend({
  created: z.boolean(),
  warnings: z.array(z.string()),
});
