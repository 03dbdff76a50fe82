import { join } from "node:path";
import { type KeyVault, openPostgresKeyVault, openSqliteKeyVault, piiKeyFromEnv } from "@gov/pii";
import type { RuntimeSettings } from "./config.ts";

/**
 * A service's key vault for personal data (crypto-shredding, `@gov/pii`), next to its event store but never
 * inside it, so that erasing a key is a real delete: the SQLite file `<DATA_DIR>/<service>-keys.db`, or the
 * PostgreSQL schema `<service>_keys` on the same server.
 */
export async function openKeyVault(settings: RuntimeSettings, service: string): Promise<KeyVault> {
  const masterKey = piiKeyFromEnv("PII_MASTER_KEY", settings.PII_MASTER_KEY, process.env.NODE_ENV);
  if (settings.EVENT_STORE === "postgres") {
    return openPostgresKeyVault({
      ...(settings.DATABASE_URL ? { connectionString: settings.DATABASE_URL } : {}),
      schema: `${service.replaceAll("-", "_")}_keys`,
      masterKey,
    });
  }
  return openSqliteKeyVault({ path: join(settings.DATA_DIR, `${service}-keys.db`), masterKey });
}

/** The PII index key every service derives subject pseudonyms with. */
export function piiIndexKey(settings: RuntimeSettings): Buffer {
  return piiKeyFromEnv("PII_INDEX_KEY", settings.PII_INDEX_KEY, process.env.NODE_ENV);
}
