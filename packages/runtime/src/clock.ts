import { BadRequestProblem, type RouteAuth, type ServiceModule } from "@gov/service-kit";
import { z } from "zod";

/** The time a service's commands and scheduled processes read (domain code never reads the clock itself). */
export interface AdjustableClock {
  now(): string;
  /** Moves the clock so that it reads `instant` now and keeps running from there. */
  set(instant: string): void;
}

/**
 * The system clock, or with CLOCK=adjustable (never in production) one that tests can move forward through
 * `PUT /<service>/_clock`, so that an end-to-end suite can pass an objection window or a 容缺 deadline in
 * every process of the distributed stack alike. `offsetMs` (CLOCK_OFFSET_MS) sets it off the system clock from the
 * start.
 */
export function createClock(offsetMs = 0): AdjustableClock {
  let offset = offsetMs;
  return {
    now: () => new Date(Date.now() + offset).toISOString(),
    set(instant: string) {
      offset = Date.parse(instant) - Date.now();
    },
  };
}

const clockBody = z.object({ now: z.iso.datetime({ offset: true }) });
const admins: { auth: RouteAuth } = { auth: { roles: ["admin", "system"] } };

/**
 * `GET|PUT <prefix>/_clock` for an adjustable clock, for admins (mounted only with CLOCK=adjustable, which
 * `loadRuntimeConfig` refuses in production).
 */
export function clockModule(clock: AdjustableClock, prefix: string): ServiceModule {
  return {
    name: `clock${prefix.replaceAll("/", ":")}`,
    prefix,
    routes: async (app) => {
      app.get("/_clock", { config: admins, schema: { hide: true } }, async () => ({ now: clock.now() }));
      app.put("/_clock", { config: admins, schema: { hide: true } }, async (request) => {
        const body = clockBody.safeParse(request.body);
        if (!body.success) {
          throw new BadRequestProblem("body.now must be an ISO-8601 instant with an offset", [
            { field: "body.now", message: "an ISO-8601 instant with an offset" },
          ]);
        }
        clock.set(body.data.now);
        return { now: clock.now() };
      });
    },
  };
}
