import fp from "fastify-plugin";

/**
 * One access-log line per request, after the response: `req` (method, route pattern, path), `res` (status),
 * `responseTime` (ms), with the request and correlation ids from the request's logger. The logger's
 * serializers mask personal data in the path (`createLogger`); the query string is never logged.
 */
export const accessLogPlugin = fp(
  async (app) => {
    app.addHook("onResponse", async (request, reply) => {
      request.log.info(
        { req: request, res: reply, responseTime: Math.round(reply.elapsedTime * 10) / 10 },
        "request completed",
      );
    });
  },
  { name: "gov-access-log", fastify: "5.x" },
);
