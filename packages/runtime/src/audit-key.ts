import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

/**
 * The published development audit signing key (Ed25519, PKCS#8 DER in base64). Anyone can sign with it, so a
 * checkpoint signed with it proves nothing: production refuses it (`productionProblems`).
 */
export const DEVELOPMENT_AUDIT_KEY = "MC4CAQAwBQYDK2VwBCIEIDk3SuyMNso1D+sy1alo/gJen/GKaX0TFkflQG6An/Qt";

/** What is wrong with `AUDIT_SIGNING_KEY` (an Ed25519 private key, PKCS#8 DER in base64), or undefined. */
export function auditKeyProblem(value: string | undefined, env: string | undefined): string | undefined {
  const production = (env ?? "production") === "production";
  if (value === undefined || value === "") {
    return production
      ? "required in production by the audit service (an Ed25519 key, PKCS#8 DER in base64)"
      : undefined;
  }
  if (production && value === DEVELOPMENT_AUDIT_KEY) {
    return "is the published development audit key; generate one (openssl genpkey -algorithm ed25519 -outform DER | base64 -w0)";
  }
  try {
    const key = createPrivateKey({ key: Buffer.from(value, "base64"), format: "der", type: "pkcs8" });
    if (key.asymmetricKeyType !== "ed25519") return `must be an Ed25519 key, not ${key.asymmetricKeyType}`;
  } catch {
    return "is not an Ed25519 private key in PKCS#8 DER, base64";
  }
  return undefined;
}

/** `AUDIT_SIGNING_KEY` as a settings problem, for the entry points that run the audit service. */
export function auditKeyProblems(
  env: Record<string, string | undefined>,
): { variable: string; message: string }[] {
  const problem = auditKeyProblem(env.AUDIT_SIGNING_KEY, env.NODE_ENV);
  return problem ? [{ variable: "AUDIT_SIGNING_KEY", message: problem }] : [];
}

export interface AuditKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as SPKI DER in base64 (what a bundle carries and an outside auditor pins). */
  publicKeyBase64: string;
  development: boolean;
}

/**
 * The audit signing key from `AUDIT_SIGNING_KEY`, kept outside the event store (an environment secret), or the
 * development key outside production. Throws naming the variable when it is refused.
 */
export function auditKeyFromEnv(
  value: string | undefined,
  env: string | undefined = process.env.NODE_ENV,
): AuditKey {
  const problem = auditKeyProblem(value, env);
  if (problem) throw new Error(`AUDIT_SIGNING_KEY: ${problem}`);
  const raw = value === undefined || value === "" ? DEVELOPMENT_AUDIT_KEY : value;
  const privateKey = createPrivateKey({ key: Buffer.from(raw, "base64"), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyBase64: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
    development: raw === DEVELOPMENT_AUDIT_KEY,
  };
}
