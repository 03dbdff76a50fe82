import { createRequire } from "node:module";

/**
 * Working-day calendar (domain brief §3): Monday–Friday are working days except statutory holidays
 * (法定节假日), and some weekend days are make-up working days (调休上班). The data comes from the State
 * Council's annual notice. A year without loaded data is an explicit error, never "every weekday works".
 */

/** One year's official arrangement: ISO dates (YYYY-MM-DD) of days off and of make-up working days. */
export interface YearArrangement {
  holidays: readonly string[];
  makeUpWorkdays: readonly string[];
}

export class CalendarYearNotLoadedError extends Error {
  override readonly name = "CalendarYearNotLoadedError";
  readonly year: number;
  constructor(year: number, loaded: readonly number[]) {
    super(
      `no holiday calendar is loaded for ${year} (loaded: ${loaded.join(", ") || "none"}); ` +
        "add the State Council's arrangement for that year before counting working days in it",
    );
    this.year = year;
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class WorkingDayCalendar {
  readonly #years: Map<number, { holidays: Set<string>; makeUp: Set<string> }>;

  constructor(arrangements: ReadonlyMap<number, YearArrangement>) {
    this.#years = new Map();
    for (const [year, a] of arrangements) {
      this.#years.set(year, { holidays: new Set(a.holidays), makeUp: new Set(a.makeUpWorkdays) });
    }
  }

  /** Years this calendar can answer for, ascending. */
  get loadedYears(): number[] {
    return [...this.#years.keys()].sort((a, b) => a - b);
  }

  /** A new calendar with more (or corrected) years, e.g. next year's notice loaded from configuration. */
  withYears(more: ReadonlyMap<number, YearArrangement>): WorkingDayCalendar {
    const merged = new Map<number, YearArrangement>();
    for (const [year, sets] of this.#years) {
      merged.set(year, { holidays: [...sets.holidays], makeUpWorkdays: [...sets.makeUp] });
    }
    for (const [year, a] of more) merged.set(year, a);
    return new WorkingDayCalendar(merged);
  }

  isWorkingDay(date: string): boolean {
    const { year, weekday } = parseDate(date);
    const sets = this.#years.get(year);
    if (!sets) throw new CalendarYearNotLoadedError(year, this.loadedYears);
    if (sets.makeUp.has(date)) return true;
    if (sets.holidays.has(date)) return false;
    return weekday !== 0 && weekday !== 6;
  }

  /**
   * The date on which a limit of `days` working days ends, counting from the day AFTER `start`
   * (行政许可法 Art. 42 and the domain brief §3: counting starts the day after acceptance).
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

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/**
 * The official arrangements shipped by the maintained `chinese-days` package (its data file, which lists
 * every year it knows; it would answer for later years as if every weekday worked, so only the years it
 * lists are loaded).
 */
export function officialArrangements(): Map<number, YearArrangement> {
  const require = createRequire(import.meta.url);
  const data = require("chinese-days/dist/chinese-days.json") as ChineseDaysData;
  const years = new Map<number, { holidays: string[]; makeUpWorkdays: string[] }>();
  const yearOf = (date: string) => {
    const year = Number(date.slice(0, 4));
    let entry = years.get(year);
    if (!entry) {
      entry = { holidays: [], makeUpWorkdays: [] };
      years.set(year, entry);
    }
    return entry;
  };
  for (const date of Object.keys(data.holidays)) yearOf(date).holidays.push(date);
  for (const date of Object.keys(data.workdays)) yearOf(date).makeUpWorkdays.push(date);
  return years;
}

let official: WorkingDayCalendar | undefined;

/** The calendar of official holidays and make-up days for every year `chinese-days` lists (2004–2026 in 1.5.7). */
export function officialCalendar(): WorkingDayCalendar {
  official ??= new WorkingDayCalendar(officialArrangements());
  return official;
}
