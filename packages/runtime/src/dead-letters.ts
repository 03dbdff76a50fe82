import type { EventBus, EventHandler } from "@gov/messaging";
import { type ModuleGauge, NotFoundProblem, type RouteAuth, type ServiceModule } from "@gov/service-kit";
import { z } from "zod";

/**
 * The bus a process's modules subscribe through, remembering each durable group's handler, so that the group's
 * dead letters can be replayed later by the same code that failed on them (after a fix, or once what the
 * handler waited for has arrived). Every other call goes to the bus itself.
 */
export function rememberingHandlers(bus: EventBus): {
  bus: EventBus;
  handlers: ReadonlyMap<string, EventHandler>;
} {
  const handlers = new Map<string, EventHandler>();
  const remembering = new Proxy(bus, {
    get(target, property) {
      if (property === "subscribe") {
        return (options: Parameters<EventBus["subscribe"]>[0]) => {
          if (!options.ephemeral) handlers.set(options.groupId, options.handle);
          return target.subscribe(options);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { bus: remembering, handlers };
}

const admins: { auth: RouteAuth } = { auth: { roles: ["admin", "system"] } };
const groupParams = z.object({ groupId: z.string().min(1).max(200) });

/** How long the dead-letter gauge keeps a count before it reads the dead-letter topics again. */
const GAUGE_CACHE_MS = 30_000;

/**
 * `GET /_dead-letters` and `POST /_dead-letters/{groupId}/replay`, for administrators, on every process (a service,
 * or the embedded gateway): the durable consumer groups of this process with the events that failed every try,
 * and a replay through the group's own handler (docs/operations.md, "Replay a dead letter"). A letter shows the
 * event's id, type, case id, where it came from and the error, never its data (which may hold personal data).
 * Also the gauge `messaging_dead_letters`: letters waiting, all groups of the process.
 */
export function deadLetterModule(bus: EventBus, handlers: ReadonlyMap<string, EventHandler>): ServiceModule {
  let cached: { at: number; value: number } | undefined;
  const waiting = async () => {
    if (cached && Date.now() - cached.at < GAUGE_CACHE_MS) return cached.value;
    let value = 0;
    for (const groupId of handlers.keys()) value += (await bus.deadLetters(groupId)).length;
    cached = { at: Date.now(), value };
    return value;
  };
  const gauge: ModuleGauge = {
    name: "messaging_dead_letters",
    help: "Events that failed every try and wait in this process's dead-letter topics for a replay",
    value: waiting,
  };
  return {
    name: "dead-letters",
    prefix: "/_dead-letters",
    gauges: [gauge],
    routes: async (app) => {
      app.get("/", { config: admins, schema: { hide: true } }, async () => {
        const groups = [];
        for (const groupId of [...handlers.keys()].sort()) {
          const letters = await bus.deadLetters(groupId);
          groups.push({
            groupId,
            waiting: letters.length,
            letters: letters.map((l) => ({
              eventId: l.event.id,
              type: l.event.type,
              ...(l.event.caseid ? { caseId: l.event.caseid } : {}),
              topic: l.topic,
              ...(l.partition === undefined ? {} : { partition: l.partition }),
              offset: l.offset,
              attempts: l.attempts,
              error: l.error,
            })),
          });
        }
        return { groups };
      });
      app.post(
        "/:groupId/replay",
        { config: admins, schema: { params: groupParams, hide: true } },
        async (request) => {
          const { groupId } = request.params as z.infer<typeof groupParams>;
          const handle = handlers.get(groupId);
          if (!handle) {
            throw new NotFoundProblem(
              `no durable consumer group ${groupId} in this process (its groups: ${[...handlers.keys()].sort().join(", ") || "none"})`,
            );
          }
          const result = await bus.replayDeadLetters(groupId, handle);
          cached = undefined;
          request.log.info({ groupId, ...result }, "dead letters replayed");
          return { groupId, ...result };
        },
      );
    },
  };
}
