import { type CalendarNotice, type CalendarYear, WorkingDayCalendar } from "./calendar.ts";
import seed from "./seed.json" with { type: "json" };

/** A year's arrangement as the package ships it, before it is published (and numbered) as a version. */
export interface SeedYear {
  year: number;
  holidays: readonly string[];
  makeUpWorkdays: readonly string[];
  notice: CalendarNotice;
}

/**
 * The official arrangements shipped as data (`seed.json`): 2025 (国务院办公厅关于2025年部分节假日安排的通知) and
 * 2026 (国务院办公厅关于2026年部分节假日安排的通知). The matters service publishes them as version 1 of their
 * years at start; every later year, and any correction, is published by an administrator.
 */
export const calendarSeed: readonly SeedYear[] = seed.years;

/** The seed as a calendar (every year at version 1), for code that has no published calendar to read yet. */
export function seedCalendar(): WorkingDayCalendar {
  official ??= new WorkingDayCalendar(calendarSeed.map((y): CalendarYear => ({ ...y, version: 1 })));
  return official;
}

let official: WorkingDayCalendar | undefined;

/** The shipped official years (2025 and 2026) as version 1; the same as `seedCalendar()`. */
export const officialCalendar = seedCalendar;
