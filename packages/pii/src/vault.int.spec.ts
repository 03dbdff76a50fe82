import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  dropSchema,
  freshSchema,
  probePostgres,
  testConnectionString,
} from "@gov/eventsourcing/testing/postgres";
import { useBackend } from "@gov/testing";
import pg from "pg";
import { describe } from "vitest";
import { openPostgresKeyVault } from "./postgres-vault.ts";
import { openSqliteKeyVault } from "./sqlite-vault.ts";
import { describeKeyVaultContract, type StoredKeyRow } from "./vault-contract.ts";

const master = Buffer.alloc(32, 1);

interface RawRow {
  key_id: string;
  subject_id: string;
  wrapped: Uint8Array | null;
  created_at: string | Date;
  erased_at: string | Date | null;
}
const toStored = (r: RawRow): StoredKeyRow => ({
  keyId: r.key_id,
  subjectId: r.subject_id,
  wrapped: r.wrapped ? Buffer.from(r.wrapped) : null,
  erasedAt: r.erased_at === null ? null : String(r.erased_at),
});

useBackend("sqlite", "key vault (sqlite)", true);
describeKeyVaultContract("SQLite file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pii-"));
  const path = join(dir, "keys.db");
  return {
    vault: openSqliteKeyVault({ path, masterKey: master }),
    masterKey: master,
    reopen: async (masterKey = master) => openSqliteKeyVault({ path, masterKey }),
    storedBytes: async () =>
      Buffer.concat([path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p))),
    keyRows: async () => {
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        return (
          db.prepare("SELECT * FROM subject_keys ORDER BY created_at").all() as unknown as RawRow[]
        ).map(toStored);
      } finally {
        db.close();
      }
    },
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

const run = useBackend("postgres", "key vault (postgres)", await probePostgres());
describe.skipIf(!run)("PostgreSQL", () => {
  const cs = testConnectionString();
  const connection = cs ? { connectionString: cs } : {};
  const rowsOf = async (schema: string): Promise<RawRow[]> => {
    const client = new pg.Client(connection);
    await client.connect();
    try {
      return (await client.query<RawRow>(`SELECT * FROM ${schema}.subject_keys ORDER BY created_at`)).rows;
    } finally {
      await client.end();
    }
  };
  describeKeyVaultContract("PostgreSQL schema", async () => {
    const schema = freshSchema("pii");
    const open = (masterKey = master) => openPostgresKeyVault({ ...connection, schema, masterKey });
    return {
      vault: await open(),
      masterKey: master,
      reopen: open,
      // A logical dump: what a reader of the table (or a pg_dump backup taken now) would see.
      storedBytes: async () =>
        Buffer.concat(
          (await rowsOf(schema)).flatMap((r) => [
            Buffer.from(`${r.key_id}|${r.subject_id}|${String(r.created_at)}|${String(r.erased_at)}|`),
            r.wrapped ? Buffer.from(r.wrapped) : Buffer.alloc(0),
          ]),
        ),
      keyRows: async () => (await rowsOf(schema)).map(toStored),
      dispose: () => dropSchema(schema),
    };
  });
});
