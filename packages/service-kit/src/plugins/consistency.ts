import fp from "fastify-plugin";
import { MIN_LOG_POSITION_HEADER } from "../commands.ts";
import type { ReadModelPort } from "../module.ts";
import { BadRequestProblem, Problem } from "../problems.ts";

export interface ReadYourWritesOptions {
  readModels: readonly ReadModelPort[];
  /** How long a read waits for the read models (`READ_YOUR_WRITES_TIMEOUT_MS`). */
  timeoutMs: number;
}

const POSITION = /^\d{1,20}([:/]\d{1,20})?$/;

/**
 * Read-your-writes for one module (register it inside the module's scope): a request that sends
 * `min-log-position: <position from a command reply>` waits until every read model of the module has read the
 * log that far, up to `timeoutMs`, then answers 503 with `retry-after: 1`. A malformed position is a 400 naming
 * `headers.min-log-position`. Requests without the header are not delayed.
 *
 * Commands honour it too, before their handler runs: a command checks access against a read model (the
 * application's region, the case's department), so a command that follows the client's own previous command
 * (submit, then check) at once would otherwise be a 404 on a read model that has not seen the first one yet.
 * A 503 there stores nothing: the handler has not run.
 */
export const readYourWritesPlugin = fp<ReadYourWritesOptions>(
  async (scope, { readModels, timeoutMs }) => {
    if (readModels.length === 0) return;
    scope.addHook("preHandler", async (request, reply) => {
      const wanted = request.headers[MIN_LOG_POSITION_HEADER];
      if (wanted === undefined) return;
      if (typeof wanted !== "string" || !POSITION.test(wanted)) {
        throw new BadRequestProblem(`the ${MIN_LOG_POSITION_HEADER} header is not a log position`, [
          { field: `headers.${MIN_LOG_POSITION_HEADER}`, message: "a position from a command reply" },
        ]);
      }
      const waited = await Promise.all(readModels.map((r) => r.waitFor(wanted, timeoutMs)));
      if (waited.every(Boolean)) return;
      reply.header("retry-after", "1");
      throw new Problem(
        503,
        "Service Unavailable",
        `the read models have not yet reached log position ${wanted} after ${timeoutMs} ms; retry`,
      );
    });
  },
  { name: "gov-read-your-writes", fastify: "5.x" },
);
