import { z } from "zod";
import { creditCodeShape } from "./codes.ts";

/**
 * Who an event is about, without personal data in the clear (个人信息保护法 第五十一条: de-identification): an organisation by its
 * 统一社会信用代码 (`O` + code; not personal data), a person by a keyed pseudonym (`P` + 32 hex characters of
 * HMAC-SHA-256 over the normalised 居民身份证号 under the platform's PII index key). Every service derives the
 * same id from the same identifier with `@gov/pii`, so none of them needs the number itself in an event.
 */
export const subjectId = z
  .string()
  .regex(/^(O[0-9A-HJ-NPQRTUWXY]{18}|P[0-9a-f]{32})$/, "O + 统一社会信用代码, or P + 32 hex characters");
export type SubjectId = z.infer<typeof subjectId>;

export const subjectKind = z.enum(["person", "organisation"]);

/** A subject as other services see it: the id, its kind, and for an organisation its code and name. */
export const subjectRef = z.object({
  subjectId,
  kind: subjectKind,
  creditCode: creditCodeShape.optional(),
  /** Organisations only: the registered name (not personal data). */
  name: z.string().min(1).max(200).optional(),
});
export type SubjectRef = z.infer<typeof subjectRef>;
