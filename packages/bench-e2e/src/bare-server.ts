// The yardsticks for the command endpoint: a bare fastify POST route on the same machine, in a process of its
// own like the platform, that parses the JSON body and answers 201 with a small JSON body — no auth, no
// validation, no store. With BARE_DURABLE=1 the route also stores the body before it answers, the plainest
// durable way: one INSERT in its own transaction per request, in a SQLite file (WAL, synchronous=FULL, as the
// platform's event store), so every answer waits for its own fsync.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import Fastify from "fastify";

const durable = process.env.BARE_DURABLE === "1";
const dir = durable ? mkdtempSync(join(tmpdir(), "bench-bare-")) : undefined;
const db = dir ? new DatabaseSync(join(dir, "bare.db")) : undefined;
db?.exec(
  "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE submissions (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
);
const insert = db?.prepare("INSERT INTO submissions (id, body) VALUES (?, ?)");

const app = Fastify({ logger: false });
app.post("/intake/applications", async (request, reply) => {
  const body = request.body as { matterId?: string };
  const id = randomUUID();
  if (db && insert) {
    db.exec("BEGIN IMMEDIATE");
    insert.run(id, JSON.stringify(body));
    db.exec("COMMIT");
  }
  reply.code(201);
  return { id, matterId: body.matterId, revision: 0 };
});
await app.listen({ port: 0, host: "127.0.0.1" });
process.on("message", async (message: { type: string }) => {
  if (message.type === "stop") {
    await app.close();
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.disconnect();
  }
});
process.send?.({ type: "ready", port: (app.server.address() as { port: number }).port });
