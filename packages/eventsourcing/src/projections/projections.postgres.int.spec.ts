import { useBackend } from "@gov/testing";
import {
  dropSchema,
  freshSchema,
  openTestStore,
  probePostgres,
  testConnectionString,
} from "../postgres/test-support.ts";
import { openPostgresProjectionDatabase } from "./postgres.ts";
import { describeProjectionContract } from "./testing/contract.ts";

const run = useBackend("postgres", "eventsourcing/projections postgres", await probePostgres());

if (run)
  describeProjectionContract("postgres", async () => {
    const storeSchema = freshSchema("proj_es");
    const schema = freshSchema("proj_rm");
    const store = await openTestStore(storeSchema);
    const connectionString = testConnectionString();
    return {
      store,
      openDb: () =>
        openPostgresProjectionDatabase({ ...(connectionString ? { connectionString } : {}), schema }),
      async dispose() {
        await store.close();
        await dropSchema(storeSchema);
        await dropSchema(schema);
      },
    };
  });
