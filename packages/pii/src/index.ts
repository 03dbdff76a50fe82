export { openPostgresKeyVault } from "./postgres-vault.ts";
export { openSqliteKeyVault } from "./sqlite-vault.ts";
export {
  decodePiiKey,
  type IdentifiedSubject,
  identifySubject,
  isDevelopmentPiiKey,
  organisationSubjectId,
  personSubjectId,
  piiKeyFromEnv,
  piiKeyProblem,
  type SubjectIdentifier,
} from "./subject-id.ts";
export type { Json, KeyVault, ProtectedIdentity } from "./vault.ts";
