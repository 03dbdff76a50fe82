// Another service's view of credit, in its own OS process, as intake will keep one: a status per subject built
// only from CreditStatusChanged on Kafka and the contract. Prints the whole read model as one JSON line after
// each event.   status-consumer.ts <brokers> <group>
import { creditEventTypes, creditStatusChanged, topics } from "@gov/contracts";
import { connectKafka } from "@gov/messaging";

const [brokers, groupId] = process.argv.slice(2);
if (!brokers || !groupId) throw new Error("usage: status-consumer.ts <brokers> <group>");
const statuses: Record<string, { status: string; causes: string[] }> = {};
const kafka = connectKafka({ brokers: brokers.split(","), clientId: "status-consumer" });
await kafka.bus.subscribe({
  groupId,
  topics: [topics.credit.subject],
  handle: (event) => {
    if (event.type !== creditEventTypes.CreditStatusChanged) return;
    const data = creditStatusChanged.parse(event.data);
    statuses[data.subject.subjectId] = {
      status: data.status,
      causes: data.causes.map((c) => c.listingId).sort(),
    };
    process.stdout.write(`${JSON.stringify(statuses)}\n`);
  },
});
process.on("SIGTERM", () => {
  void kafka.close().then(() => process.exit(0));
});
