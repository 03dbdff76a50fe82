import fp from "fastify-plugin";
import "../request-context.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = /^[A-Za-z0-9._-]{1,64}$/;
/** 11 digits or more in a row: a mainland mobile number, a 15- or 18-character 居民身份证号 (or part of one). */
const PERSONAL_NUMBER = /\d{11}/;
/** A mainland mobile number, the only personal number that fits in a UUID's groups (12 hex digits at most). */
const MOBILE = /1[3-9]\d{9}/;

/**
 * Whether a client-chosen request or correlation id may be used (it is logged on every line and echoed): a
 * UUID, or up to 64 characters of `[A-Za-z0-9._-]`, and never anything that could be a mobile number or an ID
 * number (a run of 11 or more digits, also across `.`, `_` and `-`; in a UUID, a mobile number). 个人信息保护法 第五十一条: personal data
 * must not reach the logs through an id either.
 */
export function isSafeId(value: string): boolean {
  if (UUID.test(value)) return !MOBILE.test(value);
  return TOKEN.test(value) && !PERSONAL_NUMBER.test(value.replace(/[._-]/g, ""));
}

/**
 * Request and correlation ids: the correlation id comes from `x-correlation-id` (or a CloudEvent's
 * `ce-correlationid`) when it is a safe id, else the request id; both are echoed in the response headers, put
 * on every log line of the request and in `request.context`, which the `auth` plugin completes with the caller.
 */
export const correlationPlugin = fp(
  async (app) => {
    app.addHook("onRequest", async (request, reply) => {
      const header = request.headers["x-correlation-id"] ?? request.headers["ce-correlationid"];
      const correlationId = typeof header === "string" && isSafeId(header) ? header : request.id;
      request.context = { requestId: request.id, correlationId, actor: undefined };
      request.log = request.log.child({ correlationId });
      reply.header("x-request-id", request.id).header("x-correlation-id", correlationId);
    });
  },
  { name: "gov-correlation", fastify: "5.x" },
);

/** A request id from `x-request-id` when it is a safe one (`isSafeId`), else a new UUID (the app's `genReqId`). */
export function requestIdFrom(header: string | string[] | undefined, fresh: () => string): string {
  return typeof header === "string" && isSafeId(header) ? header : fresh();
}
