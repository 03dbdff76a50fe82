import type { Role } from "@gov/contracts";
import type { FastifyReply } from "fastify";
import { z } from "zod";
import type { RouteAuth } from "./auth.ts";

/** Route config shorthand: `{ config: auth("window-clerk", "admin") }` admits those roles only. */
export const auth = (...roles: Role[]): { auth: RouteAuth } => ({ auth: { roles } });

/** Route config for a route anyone may call (published catalog entries, health, metrics). */
export const publicRoute = (): { auth: RouteAuth } => ({ auth: "public" });

/** The response header that carries the log position of a command's last event. */
export const LOG_POSITION_HEADER = "log-position";
/**
 * The request header a read sends to see at least its own writes: the position from a command reply. The
 * read waits (briefly) until the service's read models have read the log that far.
 */
export const MIN_LOG_POSITION_HEADER = "min-log-position";

/**
 * Every command route answers with this one shape (a service may extend it with what the command
 * produced, e.g. a case number): the aggregate id, its new revision, the events appended, whether this
 * was an idempotent replay, and the log position to read one's own writes with.
 */
export const commandResult = z.object({
  id: z.string(),
  revision: z.number().int(),
  events: z.array(z.object({ type: z.string() })),
  replayed: z.boolean(),
  position: z.string().optional(),
});
export type CommandResultBody = z.infer<typeof commandResult>;

/** What a kernel command handler returns (structurally: the kit does not depend on the kernel). */
export interface HandledCommand {
  events: readonly { type: string }[];
  nextExpectedRevision: number;
  replayed: boolean;
  position: string | undefined;
}

/**
 * The reply body of a command, with the `log-position` and `etag` (the new revision, for `If-Match`)
 * response headers set on `reply`.
 */
export function commandReply<Extra extends Record<string, unknown> = Record<never, never>>(
  reply: FastifyReply,
  id: string,
  result: HandledCommand,
  extra?: Extra,
): CommandResultBody & Extra {
  if (result.position !== undefined) reply.header(LOG_POSITION_HEADER, result.position);
  reply.header("etag", `"${result.nextExpectedRevision}"`);
  return {
    id,
    revision: result.nextExpectedRevision,
    events: result.events.map((e) => ({ type: e.type })),
    replayed: result.replayed,
    ...(result.position === undefined ? {} : { position: result.position }),
    ...(extra ?? ({} as Extra)),
  };
}
