import { calendarSeed, type SeedYear } from "@gov/calendar";
import type { CalendarService } from "./calendar-service.ts";

/** The actor of the seed: the platform itself, publishing official data it ships. */
export const calendarSeedActor = { id: "calendar-seed", role: "system" } as const;

/**
 * Publishes the official years shipped with @gov/calendar (2025 and 2026) as version 1, in every mode: it is
 * official data, not demo data. Idempotent: a year that has any published version is left as it is (an
 * administrator's correction stays in force), and each publication carries an idempotency key, so its event
 * id is derived from the year; a second process seeding at the same time appends nothing.
 */
export async function seedOfficialCalendar(
  service: CalendarService,
  now: () => string,
  seed: readonly SeedYear[] = calendarSeed,
): Promise<{ published: number[] }> {
  const published: number[] = [];
  for (const year of seed) {
    if ((await service.year(year.year)).status === "published") continue;
    const ctx = { now: now(), actor: calendarSeedActor, idempotencyKey: `calendar-seed:${year.year}` };
    try {
      const r = await service.publish(year, ctx);
      if (r.events.length > 0 && !r.replayed) published.push(year.year);
    } catch (error) {
      // Another process seeded the year first (same ids, another time): nothing left to do.
      if ((await service.year(year.year)).status !== "published") throw error;
    }
  }
  return { published };
}
