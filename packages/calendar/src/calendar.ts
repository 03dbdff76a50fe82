/**
 * Working-day calendar: Monday–Friday are working days except the days off of the State Council's annual
 * notice (国务院办公厅关于YYYY年部分节假日安排的通知: 法定节假日 and 调休), and some Saturdays and Sundays are
 * make-up working days (调休上班). The arrangement of each year is data an administrator publishes (the matters
 * service's `CalendarYearPublished` events), numbered by version, so that every deadline can say which
 * calendar computed it. A year without a published arrangement is an explicit error, never "every weekday
 * works".
 */

/** One year's official arrangement: ISO dates (YYYY-MM-DD) of days off and of make-up working days. */
export interface YearArrangement {
  holidays: readonly string[];
  makeUpWorkdays: readonly string[];
}

/** The notice a year's arrangement comes from. */
export interface CalendarNotice {
  /** e.g. 国务院办公厅关于2026年部分节假日安排的通知 */
  title: string;
  /** The document number (文号). */
  number: string;
  publishedOn?: string;
  url?: string;
}

/** A published version of one year's arrangement. */
export interface CalendarYear extends YearArrangement {
  year: number;
  /** 1, 2, … per year: each correction is the next version. */
  version: number;
  notice: CalendarNotice;
}

export class CalendarYearNotLoadedError extends Error {
  override readonly name = "CalendarYearNotLoadedError";
  readonly year: number;
  constructor(year: number) {
    super(`no working-day calendar published for ${year}`);
    this.year = year;
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface YearSets {
  published: CalendarYear;
  holidays: Set<string>;
  makeUp: Set<string>;
}

export class WorkingDayCalendar {
  readonly #years: Map<number, YearSets>;

  constructor(years: Iterable<CalendarYear>) {
    this.#years = new Map();
    for (const y of years) {
      const published: CalendarYear = {
        year: y.year,
        version: y.version,
        notice: { ...y.notice },
        holidays: [...y.holidays].sort(),
        makeUpWorkdays: [...y.makeUpWorkdays].sort(),
      };
      this.#years.set(y.year, {
        published,
        holidays: new Set(published.holidays),
        makeUp: new Set(published.makeUpWorkdays),
      });
    }
  }

  /** Years this calendar can answer for, ascending. */
  get loadedYears(): number[] {
    return [...this.#years.keys()].sort((a, b) => a - b);
  }

  /** Every year's published version, ascending by year. */
  years(): CalendarYear[] {
    return this.loadedYears.map((y) => this.#years.get(y)?.published as CalendarYear);
  }

  /** One year's published version, or undefined when none is published. */
  year(year: number): CalendarYear | undefined {
    return this.#years.get(year)?.published;
  }

  /** A new calendar with more (or newer) years; a year given here replaces the same year of this one. */
  withYears(more: Iterable<CalendarYear>): WorkingDayCalendar {
    const merged = new Map<number, CalendarYear>();
    for (const y of this.years()) merged.set(y.year, y);
    for (const y of more) merged.set(y.year, y);
    return new WorkingDayCalendar(merged.values());
  }

  /** `2026.v1`: the version label of one year (throws CalendarYearNotLoadedError when it has none). */
  versionOf(year: number): string {
    const sets = this.#years.get(year);
    if (!sets) throw new CalendarYearNotLoadedError(year);
    return `${year}.v${sets.published.version}`;
  }

  /**
   * The versions a computation over the dates `from`…`to` (inclusive) used: `2026.v1`, or `2026.v1+2027.v2`
   * across a new year. Throws CalendarYearNotLoadedError for a year in the span without a published calendar.
   */
  versionsUsed(from: string, to: string): string {
    const a = parseDate(from).year;
    const b = parseDate(to).year;
    const labels: string[] = [];
    for (let y = Math.min(a, b); y <= Math.max(a, b); y++) labels.push(this.versionOf(y));
    return labels.join("+");
  }

  isWorkingDay(date: string): boolean {
    const { year, weekday } = parseDate(date);
    const sets = this.#years.get(year);
    if (!sets) throw new CalendarYearNotLoadedError(year);
    if (sets.makeUp.has(date)) return true;
    if (sets.holidays.has(date)) return false;
    return weekday !== 0 && weekday !== 6;
  }

  /**
   * The date on which a limit of `days` working days ends, counting from the day AFTER `start` (行政许可法
   * 第四十二条 sets limits from acceptance; 第八十二条 counts them in working days, statutory holidays excluded).
   * `days = 0` returns `start` itself (即办件: decided on the spot).
   */
  addWorkingDays(start: string, days: number): string {
    if (!Number.isInteger(days) || days < 0)
      throw new RangeError(`days must be a whole number ≥ 0, got ${days}`);
    parseDate(start);
    let date = start;
    let left = days;
    while (left > 0) {
      date = nextDate(date);
      if (this.isWorkingDay(date)) left -= 1;
    }
    return date;
  }

  /**
   * `addWorkingDays` with the calendar versions it used (the years from the day after `start` to the end
   * date; the year of `start` for 0 days), to be recorded next to the deadline.
   */
  addWorkingDaysWithVersion(start: string, days: number): { date: string; calendarVersion: string } {
    const date = this.addWorkingDays(start, days);
    return { date, calendarVersion: this.versionsUsed(days === 0 ? start : nextDate(start), date) };
  }

  /** Working days in the interval (from, to]: how many working days have passed since `from` by the end of `to`. */
  workingDaysBetween(from: string, to: string): number {
    parseDate(from);
    parseDate(to);
    if (to < from) return -this.workingDaysBetween(to, from);
    let count = 0;
    for (let date = nextDate(from); date <= to; date = nextDate(date)) {
      if (this.isWorkingDay(date)) count += 1;
    }
    return count;
  }
}

/** The calendar date in China Standard Time (UTC+8, no daylight saving) of an instant. */
export function chinaDate(instant: string | Date): string {
  const ms = typeof instant === "string" ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

/** True when `date` is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(date: string): boolean {
  try {
    parseDate(date);
    return true;
  } catch {
    return false;
  }
}

/** Day of the week of an ISO date: 0 Sunday … 6 Saturday. */
export function weekdayOf(date: string): number {
  return parseDate(date).weekday;
}

function parseDate(date: string): { year: number; weekday: number } {
  const m = ISO_DATE.exec(date);
  const parsed = m ? new Date(`${date}T00:00:00Z`) : undefined;
  if (!m || !parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  }
  return { year: Number(m[1]), weekday: parsed.getUTCDay() };
}

function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
