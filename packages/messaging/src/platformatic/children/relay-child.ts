// The relay crash test's relay process on @platformatic/kafka: PostgreSQL store (schema argv[2]) → Kafka
// (argv[3]). Prints `published <n>` after each acknowledged page so that the parent can kill it mid-run.
import { openTestStore } from "@gov/eventsourcing/testing/postgres";
import { runRelay } from "../../relay/relay.ts";
import { connectPlatformatic } from "../connect.ts";

const [schema, brokers, batchSize = "100"] = process.argv.slice(2);
if (!schema || !brokers) throw new Error("usage: relay-child.ts <schema> <brokers> [batch size]");
const store = await openTestStore(schema);
const kafka = connectPlatformatic({ brokers: brokers.split(","), clientId: "relay-child-platformatic" });
const controller = new AbortController();
process.on("SIGTERM", () => controller.abort());
let total = 0;
await runRelay({
  store,
  checkpoints: store.checkpoints,
  publisher: kafka.publisher,
  owner: `relay-child-${process.pid}`,
  batchSize: Number(batchSize),
  leaseTtlMs: 1500,
  signal: controller.signal,
  onPublished: (n) => {
    total += n;
    process.stdout.write(`published ${total}\n`);
  },
});
await kafka.close();
await store.close();
