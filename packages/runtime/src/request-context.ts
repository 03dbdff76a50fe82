import type { CommandContext } from "@gov/eventsourcing";
import { BadRequestProblem, idempotencyKeyOf, UnauthorizedProblem } from "@gov/service-kit";
import type { FastifyRequest } from "fastify";

/**
 * A command's context from an HTTP request: the service's clock, the authenticated actor, the correlation id,
 * the client's Idempotency-Key, and the revision it last saw (`If-Match: "3"`, from a reply's ETag) when it
 * sent them. Fails closed: a request without an authenticated actor cannot issue a command.
 */
export function requestContext(request: FastifyRequest, clock: () => string): CommandContext {
  const { actor, correlationId } = request.context;
  if (!actor) throw new UnauthorizedProblem("a command needs an authenticated caller");
  const key = idempotencyKeyOf(request.headers);
  const ifMatch = request.headers["if-match"];
  let expectedRevision: number | undefined;
  if (typeof ifMatch === "string") {
    const m = /^(?:W\/)?"?(-1|\d{1,9})"?$/.exec(ifMatch.trim());
    if (!m) {
      throw new BadRequestProblem("If-Match must be a revision from a reply's ETag", [
        { field: "headers.if-match", message: 'a revision such as "3"' },
      ]);
    }
    expectedRevision = Number(m[1]);
  }
  return {
    now: clock(),
    actor,
    correlationId,
    ...(key === undefined ? {} : { idempotencyKey: key }),
    ...(expectedRevision === undefined ? {} : { expectedRevision }),
  };
}
