// The yardstick for the command endpoint: a bare fastify POST route on the same machine, in a process of its
// own like the platform, that parses the JSON body and answers 201 with a small JSON body — no auth, no
// validation, no store.
import { randomUUID } from "node:crypto";
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.post("/intake/applications", async (request, reply) => {
  const body = request.body as { matterId?: string };
  reply.code(201);
  return { id: randomUUID(), matterId: body.matterId, revision: 0 };
});
await app.listen({ port: 0, host: "127.0.0.1" });
process.on("message", async (message: { type: string }) => {
  if (message.type === "stop") {
    await app.close();
    process.disconnect();
  }
});
process.send?.({ type: "ready", port: (app.server.address() as { port: number }).port });
