// The consumer crash test's consumer process on @platformatic/kafka: applies each event to a SQLite read
// model through the inbox; with CRASH_AFTER=n it SIGKILLs itself right after committing its n-th effect,
// before the broker heard of it, so the event is delivered again after a restart.
//   consumer-child.ts <brokers> <topic> <group> <read-model file>
import { DatabaseSync } from "node:sqlite";
import { sqliteInbox } from "../../inbox/sqlite-inbox.ts";
import { connectPlatformatic } from "../connect.ts";

const [brokers, topic, groupId, file] = process.argv.slice(2);
if (!brokers || !topic || !groupId || !file) throw new Error("bad arguments");
const crashAfter = Number(process.env.CRASH_AFTER ?? 0);
const kafka = connectPlatformatic({ brokers: brokers.split(","), clientId: "consumer-child-platformatic" });
const db = new DatabaseSync(file);
db.exec("PRAGMA busy_timeout = 5000");
db.exec("CREATE TABLE IF NOT EXISTS effects (event_id TEXT NOT NULL, pid INTEGER NOT NULL)");
db.exec("CREATE TABLE IF NOT EXISTS deliveries (event_id TEXT NOT NULL)");
const inbox = sqliteInbox(db);
let applied = 0;
await kafka.bus.subscribe({
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
  void kafka.close().then(() => process.exit(0));
});
