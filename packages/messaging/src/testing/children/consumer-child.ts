// A consumer in its own OS process, for crash tests. Applies each event to a SQLite read model through the
// inbox; with CRASH_AFTER=n it SIGKILLs itself right after committing its n-th effect, before the bus heard of
// it, so the event is delivered again after a restart.
//   consumer-child.ts kafka <brokers> <topic> <group> <read-model file>   (the client KAFKA_CLIENT names;
//                                                                         kafkajs unless it says platformatic)
//   consumer-child.ts embedded <store file> <topic> <group> <read-model file>
import { DatabaseSync } from "node:sqlite";
import { openSqliteEventStore } from "@gov/eventsourcing/sqlite";
import { connectKafkaClient, type KafkaClientName } from "../../connect-client.ts";
import { EmbeddedEventBus } from "../../embedded/embedded-bus.ts";
import type { EventBus } from "../../event-bus.ts";
import { sqliteInbox } from "../../inbox/sqlite-inbox.ts";

const [kind, where, topic, groupId, file] = process.argv.slice(2);
if (!kind || !where || !topic || !groupId || !file) throw new Error("bad arguments");
const crashAfter = Number(process.env.CRASH_AFTER ?? 0);

let bus: EventBus;
let closeAll: () => Promise<void>;
if (kind === "kafka") {
  const client = (process.env.KAFKA_CLIENT ?? "kafkajs") as KafkaClientName;
  const kafka = connectKafkaClient({
    client,
    brokers: where.split(","),
    clientId: `consumer-child-${client}`,
  });
  bus = kafka.bus;
  closeAll = () => kafka.close();
} else {
  const store = openSqliteEventStore({ path: where, pollMs: 20 });
  bus = new EmbeddedEventBus(store, store.checkpoints);
  closeAll = async () => {
    await bus.close();
    await store.close();
  };
}

const db = new DatabaseSync(file);
db.exec("PRAGMA busy_timeout = 5000");
db.exec("CREATE TABLE IF NOT EXISTS effects (event_id TEXT NOT NULL, pid INTEGER NOT NULL)");
db.exec("CREATE TABLE IF NOT EXISTS deliveries (event_id TEXT NOT NULL)");
const inbox = sqliteInbox(db);
let applied = 0;
await bus.subscribe({
  groupId,
  topics: [topic],
  handle: (event) => {
    db.prepare("INSERT INTO deliveries (event_id) VALUES (?)").run(event.id);
    const did = inbox.once(groupId, event.id, () => {
      db.prepare("INSERT INTO effects (event_id, pid) VALUES (?, ?)").run(event.id, process.pid);
    });
    if (did && ++applied === crashAfter) process.kill(process.pid, "SIGKILL");
  },
});
process.stdout.write("subscribed\n");
process.on("SIGTERM", () => {
  void closeAll().then(() => process.exit(0));
});
