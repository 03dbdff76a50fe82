import type { CommandContext } from "@gov/eventsourcing";
import type { FastifyRequest } from "fastify";

/**
 * A command's context from an HTTP request: the service's clock, the authenticated actor, the correlation id,
 * and the client's Idempotency-Key when it sent one.
 */
export function requestContext(request: FastifyRequest, clock: () => string): CommandContext {
  const { actor, correlationId } = request.context;
  const key = request.headers["idempotency-key"];
  return {
    now: clock(),
    actor: actor ?? { id: "anonymous", role: "applicant" },
    correlationId,
    ...(typeof key === "string" && key.length > 0 ? { idempotencyKey: key } : {}),
  };
}
