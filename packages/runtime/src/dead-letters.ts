import type { EventBus, Subscription } from "@gov/messaging";
import { type ModuleGauge, NotFoundProblem, type RouteAuth, type ServiceModule } from "@gov/service-kit";
import { z } from "zod";

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
export function deadLetterModule(bus: EventBus): ServiceModule {
  /** The durable groups running in this process, one subscription per group, by name. */
  const groups = (): Map<string, Subscription> => {
    const byGroup = new Map<string, Subscription>();
    for (const s of bus.subscriptions())
      if (!s.ephemeral && !byGroup.has(s.groupId)) byGroup.set(s.groupId, s);
    return new Map([...byGroup].sort(([a], [b]) => a.localeCompare(b)));
  };
  let cached: { at: number; value: number } | undefined;
  const waiting = async () => {
    if (cached && Date.now() - cached.at < GAUGE_CACHE_MS) return cached.value;
    try {
      let value = 0;
      for (const s of groups().values()) value += await s.deadLetterCount();
      cached = { at: Date.now(), value };
      return value;
    } catch {
      // The broker is unreachable: /metrics still answers (readiness reports the broker), with the last count.
      return cached?.value ?? Number.NaN;
    }
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
        const listed = [];
        for (const [groupId, subscription] of groups()) {
          const letters = await subscription.deadLetters();
          listed.push({
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
        return { groups: listed };
      });
      app.post(
        "/:groupId/replay",
        { config: admins, schema: { params: groupParams, hide: true } },
        async (request) => {
          const { groupId } = request.params as z.infer<typeof groupParams>;
          const running = groups();
          const subscription = running.get(groupId);
          if (!subscription) {
            throw new NotFoundProblem(
              `no durable consumer group ${groupId} in this process (its groups: ${[...running.keys()].join(", ") || "none"})`,
            );
          }
          // Through the group's own handler, as the subscription was made with it.
          const result = await subscription.replayDeadLetters();
          cached = undefined;
          request.log.info({ groupId, ...result }, "dead letters replayed");
          return { groupId, ...result };
        },
      );
    },
  };
}
