import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  dropSchema,
  freshSchema,
  probePostgres,
  testConnectionString,
} from "@gov/eventsourcing/testing/postgres";
import { useBackend } from "@gov/testing";
import { describe } from "vitest";
import { openPostgresKeyVault } from "./postgres-vault.ts";
import { openSqliteKeyVault } from "./sqlite-vault.ts";
import { describeKeyVaultContract } from "./vault-contract.ts";

const master = Buffer.alloc(32, 1);

useBackend("sqlite", "key vault (sqlite)", true);
describeKeyVaultContract("SQLite file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pii-"));
  const path = join(dir, "keys.db");
  return {
    vault: openSqliteKeyVault({ path, masterKey: master }),
    reopen: async (masterKey = master) => openSqliteKeyVault({ path, masterKey }),
    storedBytes: () =>
      Buffer.concat([path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p))),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

const run = useBackend("postgres", "key vault (postgres)", await probePostgres());
describe.skipIf(!run)("PostgreSQL", () => {
  const cs = testConnectionString();
  describeKeyVaultContract("PostgreSQL schema", async () => {
    const schema = freshSchema("pii");
    const open = (masterKey = master) =>
      openPostgresKeyVault({ ...(cs ? { connectionString: cs } : {}), schema, masterKey });
    return { vault: await open(), reopen: open, dispose: () => dropSchema(schema) };
  });
});
