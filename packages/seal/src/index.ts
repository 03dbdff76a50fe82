export { keyringOptionsFromEnv, type SealConfigProblem, sealKeyringProblems } from "./config.ts";
export { fontLicence, MISSING_CHARACTER } from "./fonts.ts";
export {
  DEVELOPMENT_SEAL_PASSPHRASE,
  FileKeyring,
  KeyringError,
  type KeyringOptions,
  keyIdOf,
} from "./keyring.ts";
export { type PrintableCertificate, renderCertificatePdf } from "./pdf.ts";
export {
  type PublicSealKey,
  SEAL_ALGORITHM,
  type Seal,
  type SealAlgorithm,
  type SealHeader,
  type SignedDocument,
  sealDocument,
  sealedBytes,
  type Verification,
  type VerificationFailure,
  type VerifyOptions,
  verificationCode,
  verify,
} from "./seal.ts";
export { DEFAULT_SM2_ID, sm2Sign, sm2Verify, sm2Z } from "./sm2.ts";
export {
  type CertificateCheck,
  type CertificateEndState,
  type CertificateStatus,
  certificateCheck,
} from "./status.ts";
