import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import {
  BadRequestProblem,
  type ErrorMapper,
  eventStoreErrors,
  IntegrityProblem,
  NotFoundProblem,
  Problem,
  problemBody,
} from "../problems.ts";
import { partName } from "../validation.ts";

export interface ProblemsPluginOptions {
  /** The modules' own mappers (domain errors → problems), tried after the event store's. */
  mappers?: readonly ErrorMapper[];
}

/**
 * Every error answers as RFC 9457 `application/problem+json`: thrown problems as they are, schema failures as
 * 400 naming every field at fault, other packages' errors through the mappers, anything unexpected as a 500
 * without internals (logged with the request id). Unknown routes are a 404 problem too.
 */
export const problemsPlugin = fp<ProblemsPluginOptions>(
  async (app, options) => {
    const mappers: ErrorMapper[] = [eventStoreErrors, ...(options.mappers ?? [])];
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const problem = toProblem(error, mappers);
      if (problem instanceof IntegrityProblem) {
        request.log.fatal(
          { err: error, alert: "store-integrity-failure" },
          "ALERT: a stored stream failed its hash-chain check (tampering or corruption); the command was refused",
        );
      } else if (problem.status >= 500) request.log.error({ err: error }, "unexpected error");
      void reply
        .status(problem.status)
        .type("application/problem+json")
        .send(problemBody(problem, request.url));
    });
    app.setNotFoundHandler((request, reply) => {
      void reply
        .status(404)
        .type("application/problem+json")
        .send(problemBody(new NotFoundProblem(`no route ${request.method} ${request.url}`), request.url));
    });
  },
  { name: "gov-problems", fastify: "5.x" },
);

/** The problem an error answers as (see `problemsPlugin`). */
export function toProblem(
  error: FastifyError,
  mappers: readonly ErrorMapper[] = [eventStoreErrors],
): Problem {
  if (error instanceof Problem) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = partName(error.validationContext);
    const errors = error.validation.map((v) => ({
      field: `${where}${v.instancePath.replaceAll("/", ".")}`.replace(/\.$/, ""),
      message: v.message ?? "invalid",
    }));
    return new BadRequestProblem(`invalid ${where}: ${errors.map((e) => e.field).join(", ")}`, errors);
  }
  for (const map of mappers) {
    const p = map(error);
    if (p) return p;
  }
  if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE")
    return new Problem(413, "Content Too Large", "the request body is too large");
  if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
    return new Problem(415, "Unsupported Media Type", error.message);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new BadRequestProblem(
      error.code === "FST_ERR_CTP_EMPTY_JSON_BODY"
        ? "the JSON body is empty"
        : `malformed request: ${error.message}`,
    );
  }
  return new Problem(
    500,
    "Internal Server Error",
    "an unexpected error occurred; quote the x-request-id header when reporting it",
  );
}

/**
 * fastify's `frameworkErrors`: errors raised before routing (a URL that does not decode, `/%ZZ`; a path
 * parameter above `maxParamLength`) as problem+json too.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem =
    error.code === "FST_ERR_MAX_PARAM_LENGTH"
      ? new Problem(414, "URI Too Long", "a path segment is longer than allowed")
      : error.code === "FST_ERR_BAD_URL"
        ? new BadRequestProblem("the URL is not valid (a malformed percent-encoding)")
        : toProblem(error);
  void reply.status(problem.status).type("application/problem+json").send(problemBody(problem, request.url));
}

/**
 * fastify's `clientErrorHandler` (the server's `clientError` event): Node answers some requests before
 * fastify sees them — headers above the limit (431), a client too slow to send its request (408), bytes that
 * are not HTTP (400). Those answers are problem+json as well; then the connection closes.
 */
export function clientErrorHandler(
  this: { log: FastifyBaseLogger },
  error: Error & { code?: string },
  socket: Socket,
) {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, detail] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "the request headers are larger than allowed"]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "the request was not received in time"]
        : [400, "the request is not valid HTTP"];
  const body = JSON.stringify(problemBody(new Problem(status, STATUS_CODES[status] ?? "Error", detail), "/"));
  this.log.debug({ code: error.code, status }, "client error answered before routing");
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
