// A subscriber in its own OS process, as an outside integration would run one: prints every event it receives
// on the topics as one JSON line (the envelope) on stdout.
//   print-consumer.ts <brokers> <group> <topic>[,<topic>…]
import { connectKafka } from "../../kafka/connect.ts";

const [brokers, groupId, topics] = process.argv.slice(2);
if (!brokers || !groupId || !topics) throw new Error("usage: print-consumer.ts <brokers> <group> <topics>");
const kafka = connectKafka({ brokers: brokers.split(","), clientId: "print-consumer" });
await kafka.bus.subscribe({
  groupId,
  topics: topics.split(","),
  handle: (event) => {
    process.stdout.write(`${JSON.stringify(event)}\n`);
  },
});
process.on("SIGTERM", () => {
  void kafka.close().then(() => process.exit(0));
});
