import canonicalize from "canonicalize";
import {
  DEFAULT_SM2_ID,
  type Sm2PublicPoint,
  sm2PublicPointFromPem,
  sm2Sign,
  sm2Verify,
  sm3,
} from "./sm2.ts";

/** SM2 signature with SM3 and the default distinguishing ID of GB/T 35276 ("1234567812345678"). */
export const SEAL_ALGORITHM = "SM2-SM3";
export type SealAlgorithm = typeof SEAL_ALGORITHM;

/** What a seal says about itself; all of it is covered by the signature. */
export interface SealHeader {
  algorithm: SealAlgorithm;
  /** The signing key (its SPKI fingerprint, see `keyIdOf`). */
  keyId: string;
  /** The issuing department's code (统一社会信用代码 in this platform). */
  department: string;
  /** ISO instant the document was sealed (from the command's metadata, not the machine clock). */
  signedAt: string;
}

export interface Seal extends SealHeader {
  /** Base64 of the DER signature `SEQUENCE { r, s }` (GB/T 35276). */
  signature: string;
}

/** A JSON document with its electronic seal. Travels as plain JSON; whitespace and key order do not matter. */
export interface SignedDocument<T = unknown> {
  document: T;
  seal: Seal;
}

/** A department's public seal key, as a verifier needs it. Safe to publish. */
export interface PublicSealKey {
  keyId: string;
  department: string;
  algorithm: SealAlgorithm;
  /** PEM SPKI (`-----BEGIN PUBLIC KEY-----`), readable by `openssl pkey -pubin`. */
  publicKey: string;
  createdAt: string;
  /** When the key stopped signing (a rotation); it still verifies what it signed before. */
  retiredAt: string | null;
}

/**
 * The bytes a seal signs: RFC 8785 canonical JSON of `{ document, seal: header }` in UTF-8, so the key id,
 * department and time cannot be swapped without breaking the signature.
 */
export function sealedBytes(document: unknown, header: SealHeader): Buffer {
  const canonical = canonicalize({
    document,
    seal: {
      algorithm: header.algorithm,
      keyId: header.keyId,
      department: header.department,
      signedAt: header.signedAt,
    },
  });
  if (canonical === undefined) throw new TypeError("the document has no canonical JSON form");
  return Buffer.from(canonical, "utf8");
}

/** Seals `document` with private scalar `d` of the key described by `header` (`publicPoint`: d·G, if known). */
export function sealDocument<T>(
  document: T,
  header: SealHeader,
  d: bigint,
  publicPoint?: Sm2PublicPoint,
): SignedDocument<T> {
  const signature = sm2Sign(sealedBytes(document, header), d, DEFAULT_SM2_ID, publicPoint).toString("base64");
  return { document, seal: { ...header, signature } };
}

export type VerificationFailure =
  /** Not a signed document at all (missing or mistyped fields, signature not base64). */
  | "malformed"
  /** An algorithm this verifier does not implement. */
  | "unsupported-algorithm"
  /** No public key with the seal's keyId among those given. */
  | "unknown-key"
  /** The key belongs to another department than the seal (or than the one the caller expected). */
  | "wrong-department"
  /** The signature does not match: some byte of the document or of the seal was changed. */
  | "bad-signature"
  /** Dated at or after the key's retirement. */
  | "key-not-in-force";

export type Verification =
  | { valid: true; keyId: string; department: string; signedAt: string }
  | { valid: false; failure: VerificationFailure; message: string };

export interface VerifyOptions {
  /** The department that must have sealed the document, e.g. the certificate's issuing department. */
  department?: string;
}

const pointCache = new Map<string, Sm2PublicPoint>();

function pointOf(pem: string): Sm2PublicPoint {
  let point = pointCache.get(pem);
  if (!point) {
    point = sm2PublicPointFromPem(pem);
    if (pointCache.size > 10_000) pointCache.clear();
    pointCache.set(pem, point);
  }
  return point;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function isSeal(value: unknown): value is Seal {
  if (typeof value !== "object" || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    typeof s.algorithm === "string" &&
    typeof s.keyId === "string" &&
    typeof s.department === "string" &&
    typeof s.signedAt === "string" &&
    !Number.isNaN(Date.parse(s.signedAt)) &&
    typeof s.signature === "string" &&
    isCanonicalBase64(s.signature)
  );
}

/**
 * Base64 as this module writes it: the unused bits of the last character before the padding are zero, so a
 * signature has one spelling only (decoders ignore those bits; a second spelling must not verify too).
 */
export const isCanonicalBase64 = (s: string): boolean =>
  BASE64.test(s) && Buffer.from(s, "base64").toString("base64") === s;

const fail = (failure: VerificationFailure, message: string): Verification => ({
  valid: false,
  failure,
  message,
});

/**
 * Checks a presented signed document against the public keys the caller trusts (every key of the keyring,
 * retired ones included). Never throws on bad input: the answer names the first check that failed.
 */
export function verify(
  signed: unknown,
  publicKeys: readonly PublicSealKey[],
  options: VerifyOptions = {},
): Verification {
  if (typeof signed !== "object" || signed === null || !("document" in signed) || !("seal" in signed)) {
    return fail("malformed", "expected { document, seal }");
  }
  const { document, seal } = signed as { document: unknown; seal: unknown };
  if (!isSeal(seal))
    return fail(
      "malformed",
      "the seal lacks algorithm, keyId, department, signedAt or a (canonical base64) signature",
    );
  if (seal.algorithm !== SEAL_ALGORITHM) {
    return fail(
      "unsupported-algorithm",
      `algorithm ${JSON.stringify(seal.algorithm)} is not ${SEAL_ALGORITHM}`,
    );
  }
  const key = publicKeys.find((k) => k.keyId === seal.keyId);
  if (!key) return fail("unknown-key", `no public key ${seal.keyId}`);
  if (key.department !== seal.department) {
    return fail("wrong-department", `key ${key.keyId} belongs to ${key.department}, not ${seal.department}`);
  }
  if (options.department !== undefined && options.department !== seal.department) {
    return fail("wrong-department", `sealed by ${seal.department}, expected ${options.department}`);
  }
  let bytes: Buffer;
  try {
    bytes = sealedBytes(document, seal);
  } catch {
    return fail("malformed", "the document has no canonical JSON form");
  }
  if (!sm2Verify(bytes, Buffer.from(seal.signature, "base64"), pointOf(key.publicKey))) {
    return fail("bad-signature", "the signature does not match the document and seal");
  }
  const at = Date.parse(seal.signedAt);
  // No lower bound at the key's creation: a seal's time comes from the command's metadata, which may predate
  // the key file (demo data, replays, adjustable test clocks). A retired key, though, seals nothing after.
  if (key.retiredAt !== null && at >= Date.parse(key.retiredAt)) {
    return fail(
      "key-not-in-force",
      `key ${key.keyId} was retired at ${key.retiredAt}, before ${seal.signedAt}`,
    );
  }
  return { valid: true, keyId: key.keyId, department: key.department, signedAt: seal.signedAt };
}

/**
 * A short code that identifies one sealed document (16 characters of Crockford base32 over SM3 of its
 * canonical JSON, signature included), printed on the PDF so a reader can tell the paper matches the
 * electronic original. Not a secret and not a substitute for the signature.
 */
export function verificationCode(signed: SignedDocument): string {
  const canonical = canonicalize(signed);
  if (canonical === undefined) throw new TypeError("the signed document has no canonical JSON form");
  const digest = sm3(Buffer.from(canonical, "utf8"));
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let bits = 0n;
  for (const byte of digest.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let code = "";
  for (let i = 15; i >= 0; i--) code += alphabet[Number((bits >> BigInt(i * 5)) & 31n)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}-${code.slice(12)}`;
}
