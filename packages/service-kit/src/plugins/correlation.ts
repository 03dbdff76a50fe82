import fp from "fastify-plugin";
import "../request-context.ts";

const ID = /^[\w.:-]{1,100}$/;

/**
 * Request and correlation ids: the correlation id comes from `x-correlation-id` (or a CloudEvent's
 * `ce-correlationid`), else the request id; both are echoed in the response headers, put on every log line of
 * the request and in `request.context`, which the `auth` plugin completes with the caller.
 */
export const correlationPlugin = fp(
  async (app) => {
    app.addHook("onRequest", async (request, reply) => {
      const header = request.headers["x-correlation-id"] ?? request.headers["ce-correlationid"];
      const correlationId = typeof header === "string" && ID.test(header) ? header : request.id;
      request.context = { requestId: request.id, correlationId, actor: undefined };
      request.log = request.log.child({ correlationId });
      reply.header("x-request-id", request.id).header("x-correlation-id", correlationId);
    });
  },
  { name: "gov-correlation", fastify: "5.x" },
);

/** A request id from `x-request-id` when it is a sane one, else a new UUID (the app's `genReqId`). */
export function requestIdFrom(header: string | string[] | undefined, fresh: () => string): string {
  return typeof header === "string" && ID.test(header) ? header : fresh();
}
