// A minimal service process for the `node --import` tracing test (tracing.int.spec.ts): `runService` with one
// route that appends an event and logs a line, so that one request crosses fastify, the store (pg) and pino.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { runService } from "../run-service.ts";

await runService({
  service: "traced",
  categories: ["thing"],
  module: ({ store }) => ({
    name: "traced",
    prefix: "/traced",
    routes: async (r) => {
      r.post(
        "/things/:id",
        { config: { auth: "public" }, schema: { params: z.object({ id: z.string().regex(/^[a-z0-9]+$/) }) } },
        async (req) => {
          const { id } = req.params as { id: string };
          await store.append(
            `thing-${id}`,
            [
              {
                id: randomUUID(),
                type: "gov.traced.thing.made.v1",
                source: "gov.traced",
                time: new Date().toISOString(),
                data: {},
                actor: { id: "tester", role: "system" },
              },
            ],
            "any",
          );
          req.log.info({ thing: id }, "thing made");
          return { ok: true };
        },
      );
    },
  }),
});
