import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** AES-256-GCM ciphertext under one subject's data key (base64 fields), as stored in events. */
export interface ProtectedIdentity {
  alg: "A256GCM";
  keyId: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

/**
 * Per-subject data keys kept outside the event store (crypto-shredding): events carry only ciphertext, and
 * erasing a subject's keys makes it unreadable for ever while the hash-chained log stays intact.
 */
export interface KeyVault {
  /** Encrypts with the subject's current key, created on first use (and again after an erasure). */
  seal(subjectId: string, value: Json): Promise<ProtectedIdentity>;
  /** The value; undefined once its key was erased. Throws on tampering or on another subject's ciphertext. */
  open(subjectId: string, sealed: ProtectedIdentity): Promise<Json | undefined>;
  /** Destroys every key of the subject; true when there was one to destroy. */
  erase(subjectId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Where a vault keeps its wrapped keys. */
export interface KeyRows {
  currentKey(subjectId: string): Promise<{ keyId: string; wrapped: Buffer } | undefined>;
  /** `wrapped` null: the key was erased. Undefined: never existed. */
  key(subjectId: string, keyId: string): Promise<{ wrapped: Buffer | null } | undefined>;
  insert(subjectId: string, keyId: string, wrapped: Buffer, at: string): Promise<void>;
  erase(subjectId: string, at: string): Promise<number>;
  close(): Promise<void>;
}

function gcm(key: Buffer, plaintext: Buffer, aad: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

function ungcm(key: Buffer, parts: { iv: Buffer; ciphertext: Buffer; tag: Buffer }, aad: string): Buffer {
  // A full 16-byte tag only: GCM would otherwise accept a truncated (forgeable) tag.
  if (parts.iv.length !== 12 || parts.tag.length !== 16) throw new Error("malformed AES-256-GCM parameters");
  const decipher = createDecipheriv("aes-256-gcm", key, parts.iv, { authTagLength: 16 });
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(parts.tag);
  return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
}

/** Data keys wrapped under the master key (AES-256-GCM, bound to subject and key id): iv ‖ tag ‖ ciphertext. */
function wrap(masterKey: Buffer, subjectId: string, keyId: string, dataKey: Buffer): Buffer {
  const { iv, ciphertext, tag } = gcm(masterKey, dataKey, `${subjectId}/${keyId}`);
  return Buffer.concat([iv, tag, ciphertext]);
}

function unwrap(masterKey: Buffer, subjectId: string, keyId: string, wrapped: Buffer): Buffer {
  const parts = {
    iv: wrapped.subarray(0, 12),
    tag: wrapped.subarray(12, 28),
    ciphertext: wrapped.subarray(28),
  };
  return ungcm(masterKey, parts, `${subjectId}/${keyId}`);
}

/** Refuses a master key that is not 32 bytes (called before a storage is opened). */
export function checkMasterKey(masterKey: Buffer): void {
  if (masterKey.length !== 32) throw new Error("the PII master key must be 32 bytes");
}

/** The vault's behaviour over any row storage (SQLite file, PostgreSQL table). */
export function keyVault(rows: KeyRows, masterKey: Buffer): KeyVault {
  checkMasterKey(masterKey);
  return {
    async seal(subjectId, value) {
      let current = await rows.currentKey(subjectId);
      if (!current) {
        const keyId = randomUUID();
        const wrapped = wrap(masterKey, subjectId, keyId, randomBytes(32));
        await rows.insert(subjectId, keyId, wrapped, new Date().toISOString());
        current = { keyId, wrapped };
      }
      const dataKey = unwrap(masterKey, subjectId, current.keyId, current.wrapped);
      // The subject id is authenticated data: a ciphertext copied onto another subject does not open.
      const { iv, ciphertext, tag } = gcm(dataKey, Buffer.from(JSON.stringify(value)), subjectId);
      return {
        alg: "A256GCM",
        keyId: current.keyId,
        iv: iv.toString("base64"),
        ciphertext: ciphertext.toString("base64"),
        tag: tag.toString("base64"),
      };
    },
    async open(subjectId, sealed) {
      if (sealed.alg !== "A256GCM") throw new Error(`unsupported algorithm ${String(sealed.alg)}`);
      const row = await rows.key(subjectId, sealed.keyId);
      if (!row) throw new Error(`unknown key ${sealed.keyId} for this subject`);
      if (row.wrapped === null) return undefined;
      const dataKey = unwrap(masterKey, subjectId, sealed.keyId, row.wrapped);
      const plain = ungcm(
        dataKey,
        {
          iv: Buffer.from(sealed.iv, "base64"),
          ciphertext: Buffer.from(sealed.ciphertext, "base64"),
          tag: Buffer.from(sealed.tag, "base64"),
        },
        subjectId,
      );
      return JSON.parse(plain.toString("utf8")) as Json;
    },
    async erase(subjectId) {
      return (await rows.erase(subjectId, new Date().toISOString())) > 0;
    },
    close: () => rows.close(),
  };
}
