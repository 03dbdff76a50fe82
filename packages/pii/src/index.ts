export { openPostgresKeyVault } from "./postgres-vault.ts";
export { openSqliteKeyVault } from "./sqlite-vault.ts";
export {
  type IdentifiedSubject,
  identifySubject,
  organisationSubjectId,
  personSubjectId,
  piiKeyFromEnv,
  type SubjectIdentifier,
} from "./subject-id.ts";
export type { Json, KeyVault, ProtectedIdentity } from "./vault.ts";
