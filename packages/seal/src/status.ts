import type { Verification, VerificationFailure } from "./seal.ts";

/**
 * Where a certificate stands today. The seal proves who issued it and that it is unchanged; whether it is still
 * in force is the issuer's record (a later 变更, 撤回, 撤销, 注销 or 吊销), which the caller looks up and passes in.
 */
export type CertificateStatus =
  | { state: "in-force" }
  | {
      state: CertificateEndState;
      /** ISO instant from which it is no longer in force. */
      since: string;
      reason?: string;
      /** Legal basis of the change, e.g. "行政许可法 第六十九条". */
      basis?: string;
      /** 变更: the number of the certificate that replaces this one. */
      replacedBy?: string;
    };

/**
 * - `superseded`: 变更 issued a new version (行政许可法 第四十九条)
 * - `withdrawn`: 撤回 (行政许可法 第八条)
 * - `annulled`: 撤销 (行政许可法 第六十九条)
 * - `cancelled`: 注销 (行政许可法 第七十条)
 * - `revoked`: 吊销, a penalty (行政处罚法 第九条)
 * - `expired`: past its validity without 延续 (行政许可法 第五十条)
 */
export type CertificateEndState =
  | "superseded"
  | "withdrawn"
  | "annulled"
  | "cancelled"
  | "revoked"
  | "expired";

/** The answer to "is this certificate genuine, and is it in force?" */
export type CertificateCheck =
  | { authentic: false; failure: VerificationFailure; message: string }
  | {
      authentic: true;
      keyId: string;
      department: string;
      signedAt: string;
      /** True only when authentic and the status is in force. */
      inForce: boolean;
      status: CertificateStatus;
    };

/** Joins a signature verification with the status the issuer's records give ("authentic but revoked"). */
export function certificateCheck(verification: Verification, status: CertificateStatus): CertificateCheck {
  if (!verification.valid) {
    return { authentic: false, failure: verification.failure, message: verification.message };
  }
  return {
    authentic: true,
    keyId: verification.keyId,
    department: verification.department,
    signedAt: verification.signedAt,
    inForce: status.state === "in-force",
    status,
  };
}
