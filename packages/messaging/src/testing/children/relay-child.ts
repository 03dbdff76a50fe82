// A relay in its own OS process, for crash tests: PostgreSQL store (schema argv[2]) → Kafka (argv[3]), on the
// client KAFKA_CLIENT names (kafkajs unless it says platformatic). Prints `published <n>` after each
// acknowledged page so that the parent can kill it mid-run.
import { openTestStore } from "@gov/eventsourcing/testing/postgres";
import { connectKafkaClient, type KafkaClientName } from "../../connect-client.ts";
import { runRelay } from "../../relay/relay.ts";

const [schema, brokers, batchSize = "100"] = process.argv.slice(2);
if (!schema || !brokers) throw new Error("usage: relay-child.ts <schema> <brokers> [batch size]");
const store = await openTestStore(schema);
const client = (process.env.KAFKA_CLIENT ?? "kafkajs") as KafkaClientName;
const kafka = connectKafkaClient({ client, brokers: brokers.split(","), clientId: `relay-child-${client}` });
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
