import { createHash, createPublicKey, type KeyObject, sign, verify } from "node:crypto";

/**
 * A signed checkpoint of the whole-log Merkle tree (RFC 9162 §4.10 "signed tree head", in the plain-text note
 * form that transparency logs publish): the tree size, its root hash and the instant, signed with the audit key.
 */
export interface Checkpoint {
  treeSize: number;
  /** RFC 9162 MTH over the first `treeSize` leaves, hex. */
  rootHash: string;
  signedAt: string;
  keyId: string;
  /** Ed25519 over `checkpointNote(...)`, base64. */
  signature: string;
}

export const NOTE_ORIGIN = "gov-platform-audit-log/v1";

/**
 * The exact bytes that are signed, one field a line, ending with a newline:
 * `gov-platform-audit-log/v1\n<treeSize>\n<rootHash hex>\n<signedAt>\n`. An outside auditor can rebuild it by hand.
 */
export function checkpointNote(c: Pick<Checkpoint, "treeSize" | "rootHash" | "signedAt">): string {
  return `${NOTE_ORIGIN}\n${c.treeSize}\n${c.rootHash}\n${c.signedAt}\n`;
}

/** First 8 bytes of SHA-256 over the public key's SPKI DER, hex: names the key a checkpoint was signed with. */
export function keyIdOf(publicKeySpkiBase64: string): string {
  return createHash("sha256").update(Buffer.from(publicKeySpkiBase64, "base64")).digest("hex").slice(0, 16);
}

export function signCheckpoint(
  head: { treeSize: number; rootHash: string; signedAt: string },
  privateKey: KeyObject,
  publicKeySpkiBase64: string,
): Checkpoint {
  const signature = sign(null, Buffer.from(checkpointNote(head), "utf8"), privateKey).toString("base64");
  return { ...head, keyId: keyIdOf(publicKeySpkiBase64), signature };
}

export type CheckpointCheck =
  | { ok: true }
  | { ok: false; reason: "wrong-key" | "bad-signature"; message: string };

/** Checks a checkpoint's signature against a public key (SPKI DER, base64). */
export function verifyCheckpoint(c: Checkpoint, publicKeySpkiBase64: string): CheckpointCheck {
  if (c.keyId !== keyIdOf(publicKeySpkiBase64)) {
    return {
      ok: false,
      reason: "wrong-key",
      message: `checkpoint ${c.treeSize} names key ${c.keyId}, not this key`,
    };
  }
  let good = false;
  try {
    const key = createPublicKey({
      key: Buffer.from(publicKeySpkiBase64, "base64"),
      format: "der",
      type: "spki",
    });
    good = verify(null, Buffer.from(checkpointNote(c), "utf8"), key, Buffer.from(c.signature, "base64"));
  } catch {
    good = false;
  }
  return good
    ? { ok: true }
    : {
        ok: false,
        reason: "bad-signature",
        message: `checkpoint ${c.treeSize}: the signature does not verify`,
      };
}
