import type { FastifyError } from "fastify";
import fp from "fastify-plugin";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import {
  BadRequestProblem,
  type ErrorMapper,
  eventStoreErrors,
  NotFoundProblem,
  Problem,
  problemBody,
} from "../problems.ts";

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
      if (problem.status >= 500) request.log.error({ err: error }, "unexpected error");
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
    const where = error.validationContext ?? "body";
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
