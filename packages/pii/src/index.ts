export { openPostgresKeyVault } from "./postgres-vault.ts";
export { openSqliteKeyVault } from "./sqlite-vault.ts";
export { organisationSubjectId, personSubjectId, piiKeyFromEnv } from "./subject-id.ts";
export type { Json, KeyVault, ProtectedIdentity } from "./vault.ts";
