import { z } from "zod";
import { isCanonicalBase64, SEAL_ALGORITHM } from "./seal.ts";

/**
 * Zod schemas of a presented sealed document, for an HTTP route that takes one (e.g. a verification endpoint):
 * they refuse what is not even shaped like a seal with the field at fault named, before `verify` answers about
 * the signature itself. A document that passes them may still fail `verify`.
 */
export const sealSchema = z.object({
  algorithm: z.literal(SEAL_ALGORITHM),
  keyId: z.string().regex(/^sm2-[0-9a-f]{16}$/, "sm2- and 16 lowercase hex digits"),
  department: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, "1–64 of [0-9A-Za-z_-]"),
  signedAt: z.iso.datetime({ offset: true }),
  // A DER SM2 signature is 70–72 bytes: at most 96 base64 characters. Canonical base64 only: the unused bits of
  // the last character before the padding must be zero, so no second spelling of the same signature verifies.
  signature: z
    .string()
    .max(96)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, "base64")
    .refine(isCanonicalBase64, "canonical base64"),
});

/** `{ document, seal }`, the document checked by `document` (any JSON value when omitted). */
export function signedDocumentSchema<D extends z.ZodType>(document: D) {
  return z.object({ document, seal: sealSchema });
}

export const anySignedDocumentSchema = signedDocumentSchema(z.json());
