import { type CalendarYearPublished, calendarYearPublished, mattersEventTypes } from "@gov/contracts";
import { type CalendarYear, WorkingDayCalendar } from "./calendar.ts";

export { calendarTopic } from "@gov/contracts";

/** A published version as the read model keeps it: the event's data and when it was recorded. */
export interface PublishedVersion extends CalendarYearPublished {
  /** The event's time (when the version was published), when the event carried one. */
  publishedAt?: string;
}

/**
 * The working-day calendar as published: a small read model any service feeds with the matters service's
 * `CalendarYearPublished` events (from the store's log or the bus, topic `gov.matters.calendar.v1`). For each
 * year the newest version wins, whatever order versions arrive in; a version seen before is ignored.
 */
export class PublishedCalendar {
  readonly #history = new Map<number, PublishedVersion[]>();
  #current: WorkingDayCalendar | undefined;

  /** Applies one recorded event; anything but `CalendarYearPublished` is ignored. True when it changed the model. */
  apply(event: { type: string; data: unknown; time?: string }): boolean {
    if (event.type !== mattersEventTypes.CalendarYearPublished) return false;
    const data = calendarYearPublished.parse(event.data);
    const versions = this.#history.get(data.year) ?? [];
    if (versions.some((v) => v.version === data.version)) return false;
    versions.push({ ...data, ...(event.time ? { publishedAt: event.time } : {}) });
    versions.sort((a, b) => a.version - b.version);
    this.#history.set(data.year, versions);
    this.#current = undefined;
    return true;
  }

  /** The calendar of every year's newest version. */
  current(): WorkingDayCalendar {
    this.#current ??= new WorkingDayCalendar(
      [...this.#history.values()].map((versions) => toYear(versions.at(-1) as PublishedVersion)),
    );
    return this.#current;
  }

  /** Every published year with its newest version, ascending by year. */
  years(): PublishedVersion[] {
    return [...this.#history.keys()]
      .sort((a, b) => a - b)
      .map((y) => this.#history.get(y)?.at(-1) as PublishedVersion);
  }

  /** Every version of one year, oldest first (empty when none is published). */
  versions(year: number): PublishedVersion[] {
    return [...(this.#history.get(year) ?? [])];
  }
}

function toYear(v: PublishedVersion): CalendarYear {
  return {
    year: v.year,
    version: v.version,
    notice: v.notice,
    holidays: v.holidays,
    makeUpWorkdays: v.makeUpWorkdays,
  };
}

const MONTH_DAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * Whether, from `warnFrom` (month-day, `MM-DD`) of `today`'s year on, the next year has no published calendar:
 * the State Council publishes next year's arrangement in the autumn, and deadlines start crossing into the new
 * year in December.
 */
export function nextYearMissing(
  calendar: Pick<WorkingDayCalendar, "loadedYears">,
  today: string,
  warnFrom = "11-01",
): boolean {
  if (!MONTH_DAY.test(warnFrom)) throw new RangeError(`warnFrom must be a month-day MM-DD, got ${warnFrom}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new RangeError(`today must be YYYY-MM-DD, got ${today}`);
  if (today.slice(5) < warnFrom) return false;
  return !calendar.loadedYears.includes(Number(today.slice(0, 4)) + 1);
}
