import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useBackend } from "@gov/testing";
import { openSqliteEventStore } from "../sqlite/store.ts";
import { openSqliteProjectionDatabase } from "./sqlite.ts";
import { describeProjectionContract } from "./testing/contract.ts";

useBackend("sqlite", "eventsourcing/projections sqlite", true);

describeProjectionContract("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gov-proj-"));
  const store = openSqliteEventStore({ path: join(dir, "platform.db"), synchronous: "NORMAL", pollMs: 20 });
  return {
    store,
    openDb: async () => openSqliteProjectionDatabase({ path: join(dir, "test-projections.db") }),
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
