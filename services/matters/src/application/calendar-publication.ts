import { chinaDate, nextYearMissing } from "@gov/calendar";
import type { EventStore } from "@gov/eventsourcing";
import type { ModuleGauge, ReadinessCheck } from "@gov/service-kit";
import { calendarReadModel } from "../read-models/calendar-projection.ts";
import { seedOfficialCalendar } from "./calendar-seed.ts";
import { CalendarService } from "./calendar-service.ts";

/**
 * The working-day calendar part of the matters module: its read model, the seed of the shipped
 * official years (published at start in every mode), a readiness check that the seed is in, and the
 * next-year warning (a degraded-only readiness check and the `calendar_next_year_missing` gauge).
 */
export function startCalendarPart(deps: {
  store: EventStore;
  clock: () => string;
  /** Month-day from which a missing next-year calendar is a warning (CALENDAR_WARN_FROM, default 11-01). */
  warnFrom?: string;
  /** Publish the shipped official years at start (default true; tests that count events turn it off). */
  seed?: boolean;
}) {
  const projection = calendarReadModel(deps.store);
  const service = new CalendarService(deps.store);
  // The seed runs in the background from the start; a failure (e.g. the store was briefly unreachable) is
  // reported by readiness, and the next readiness check tries again.
  let seed: "off" | "running" | "done" | { error: unknown } = deps.seed === false ? "off" : "running";
  let seeding: Promise<void> = Promise.resolve();
  const runSeed = () => {
    seed = "running";
    seeding = seedOfficialCalendar(service, deps.clock).then(
      () => {
        seed = "done";
      },
      (error: unknown) => {
        seed = { error };
      },
    );
  };
  if (seed === "running") runSeed();
  const warnFrom = deps.warnFrom ?? "11-01";
  const missing = () => nextYearMissing(projection.model.current(), chinaDate(deps.clock()), warnFrom);

  const readiness: ReadinessCheck[] = [
    {
      name: "matters-calendar",
      check: async () => {
        if (typeof seed === "object") {
          const reason = seed.error instanceof Error ? seed.error.message : String(seed.error);
          runSeed();
          throw new Error(`the official working-day calendar could not be published (${reason}); retrying`);
        }
        if (seed === "running") throw new Error("the official working-day calendar is being published");
      },
    },
    {
      name: "matters-calendar-next-year",
      degradedOnly: true,
      check: async () => {
        if (missing()) {
          const next = Number(chinaDate(deps.clock()).slice(0, 4)) + 1;
          throw new Error(`next year's working-day calendar is not published (${next})`);
        }
      },
    },
  ];
  const gauges: ModuleGauge[] = [
    {
      name: "calendar_next_year_missing",
      help: `1 when, from ${warnFrom} (CALENDAR_WARN_FROM) on, next year's working-day calendar is not published`,
      value: () => (missing() ? 1 : 0),
    },
  ];
  return {
    service,
    calendar: projection.model,
    readiness,
    readModel: projection,
    gauges,
    /** Resolves once the seed has run (for tests). */
    seeded: () => seeding,
    close: async () => {
      await seeding;
    },
  };
}
