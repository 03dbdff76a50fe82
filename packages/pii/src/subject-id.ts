import { createHash, createHmac } from "node:crypto";
import { validateCreditCode, validateResidentId } from "@gov/identifiers";

/**
 * A person's subject id: `P` + the first 32 hex characters of HMAC-SHA-256 over the normalised 居民身份证号
 * under the PII index key. Without the key the number cannot be recovered or guessed from the id.
 */
export function personSubjectId(idNumber: string, indexKey: Buffer): string {
  const normalised = idNumber.trim().toUpperCase();
  return `P${createHmac("sha256", indexKey).update(normalised).digest("hex").slice(0, 32)}`;
}

/** An organisation's subject id: `O` + its 统一社会信用代码 (not personal data). */
export function organisationSubjectId(creditCode: string): string {
  return `O${creditCode.trim().toUpperCase()}`;
}

/**
 * The development keys used when none is configured: fixed, so every service in a test run derives the same
 * ids. They are public (derived from strings in this repository): production refuses them.
 */
const developmentKeys = {
  PII_INDEX_KEY: createHash("sha256").update("gov-platform development PII index key").digest(),
  PII_MASTER_KEY: createHash("sha256").update("gov-platform development PII master key").digest(),
};

/** Whether `key` is one of the published development keys (either of them, under either name). */
export function isDevelopmentPiiKey(key: Buffer): boolean {
  return key.equals(developmentKeys.PII_INDEX_KEY) || key.equals(developmentKeys.PII_MASTER_KEY);
}

/** A 32-byte key from its text (64 hex characters, or base64 of 32 bytes); undefined when it is neither. */
export function decodePiiKey(value: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, "base64") : Buffer.alloc(0);
  return decoded.length === 32 ? decoded : undefined;
}

/**
 * What is wrong with a PII key for production, or undefined when nothing is: absent, not 32 bytes, a published
 * development key, or every byte the same (a placeholder such as 64 zeros).
 */
export function piiKeyProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return "is required in production (32 bytes, hex or base64)";
  const key = decodePiiKey(value);
  if (!key) return "must be 32 bytes as 64 hex characters or base64";
  if (isDevelopmentPiiKey(key)) return "is the published development key; generate a secret one";
  if (key.every((b) => b === key[0])) return "is too weak: every byte is the same";
  return undefined;
}

/**
 * A 32-byte key from an environment value: 64 hex characters, or base64 of 32 bytes. Absent: an error in
 * production, the development key elsewhere. Malformed, or in production weak or a development key: always
 * an error naming the variable.
 */
export function piiKeyFromEnv(
  name: "PII_INDEX_KEY" | "PII_MASTER_KEY",
  value: string | undefined,
  nodeEnv?: string,
): Buffer {
  if (nodeEnv === "production") {
    const problem = piiKeyProblem(value);
    if (problem) throw new Error(`${name} ${problem}`);
  }
  if (value === undefined || value === "") return developmentKeys[name];
  const key = decodePiiKey(value);
  if (key) return key;
  throw new Error(`${name} must be 32 bytes as 64 hex characters or base64`);
}

/** How a caller names a subject: a person by 居民身份证号, an organisation by 统一社会信用代码. */
export type SubjectIdentifier = { idNumber: string } | { creditCode: string; name?: string };

/** A checked identifier as a subject reference, or the field at fault and why. */
export type IdentifiedSubject =
  | {
      ok: true;
      subjectId: string;
      kind: "person" | "organisation";
      /** Organisations only (not personal data): the normalised code and the name given. */
      creditCode?: string;
      name?: string;
      /** False for an early 统一社会信用代码 that fails its check character (accepted, with a warning). */
      checksumOk: boolean;
      warnings: string[];
    }
  | { ok: false; field: "idNumber" | "creditCode"; message: string };

/**
 * The one way every service turns an identifier into a subject id, so that credit, intake and approval
 * derive the same id from the same person or organisation. A 居民身份证号 must pass GB 11643-1999's check
 * character; a 统一社会信用代码 that fails GB 32100-2015's check character is accepted with a warning (some
 * early codes do). A person's number never leaves this function: only its keyed pseudonym does.
 */
export function identifySubject(identifier: SubjectIdentifier, indexKey: Buffer): IdentifiedSubject {
  if ("idNumber" in identifier) {
    const id = validateResidentId(identifier.idNumber);
    if (!id.valid) return { ok: false, field: "idNumber", message: id.message };
    return {
      ok: true,
      subjectId: personSubjectId(id.normalized, indexKey),
      kind: "person",
      checksumOk: true,
      warnings: [],
    };
  }
  const code = validateCreditCode(identifier.creditCode);
  if (!code.valid) return { ok: false, field: "creditCode", message: code.message };
  return {
    ok: true,
    subjectId: organisationSubjectId(code.normalized),
    kind: "organisation",
    creditCode: code.normalized,
    ...(identifier.name ? { name: identifier.name } : {}),
    checksumOk: code.checksumOk,
    warnings: code.checksumOk ? [] : [code.warning],
  };
}
