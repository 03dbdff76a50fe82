import { createHash, createHmac } from "node:crypto";

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

/** The development key when none is configured: fixed, so every service in a test run derives the same ids. */
const developmentKeys = {
  PII_INDEX_KEY: createHash("sha256").update("gov-platform development PII index key").digest(),
  PII_MASTER_KEY: createHash("sha256").update("gov-platform development PII master key").digest(),
};

/**
 * A 32-byte key from an environment value: 64 hex characters, or base64 of 32 bytes. Absent: an error in
 * production, the development key elsewhere. Malformed: always an error naming the variable.
 */
export function piiKeyFromEnv(
  name: "PII_INDEX_KEY" | "PII_MASTER_KEY",
  value: string | undefined,
  nodeEnv?: string,
): Buffer {
  if (value === undefined || value === "") {
    if (nodeEnv === "production")
      throw new Error(`${name} is required in production (32 bytes, hex or base64)`);
    return developmentKeys[name];
  }
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, "base64") : Buffer.alloc(0);
  if (decoded.length === 32) return decoded;
  throw new Error(`${name} must be 32 bytes as 64 hex characters or base64`);
}
