import { deadlineLevel } from "@gov/calendar";
import type { CaseFile } from "./case.ts";

/** What the clock needs of `@gov/calendar`'s WorkingDayCalendar (it throws for a year with no calendar). */
export interface WorkingDays {
  addWorkingDays(start: string, days: number): string;
  workingDaysBetween(from: string, to: string): number;
  isWorkingDay(date: string): boolean;
  versionsUsed(from: string, to: string): string;
}

/** 行政许可法 第四十二条: 20 working days, extendable once by 10; 第二十六条: joint handling 45, extendable by 15. */
export const STATUTORY = { single: { limit: 20, extension: 10 }, joint: { limit: 45, extension: 15 } };
/** 行政许可法 第四十四条: the certificate within 10 working days of the decision. */
export const CERTIFICATE_DAYS = 10;

export interface ClockView {
  limitDays: number;
  usedDays: number;
  leftDays: number;
  dueOn?: string;
  paused: boolean;
  pausedDays: number;
  flag: "green" | "yellow" | "red";
  /** Set instead of the figures when a year the count needs has no published calendar. */
  problem?: string;
}

const nextDay = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

/** Working days in [from, to], both counted (a special procedure's days: 行政许可法 第四十五条). */
export function workingDaysIncluding(calendar: WorkingDays, from: string, to: string): number {
  if (to < from) return 0;
  return calendar.workingDaysBetween(from, to) + (calendar.isWorkingDay(from) ? 1 : 0);
}

/** The case's limit now: the matter's, plus a granted extension. */
export const limitOf = (c: CaseFile) => c.opened.clock.limitDays + (c.extension?.extraDays ?? 0);

/** Working days paused by ended procedures, and by an ongoing one up to `today`. */
export function pausedDays(calendar: WorkingDays, c: CaseFile, today: string): number {
  let days = 0;
  for (const p of c.procedures) {
    if (p.endedOn) days += p.daysExcluded ?? 0;
    else if (p.startedOn <= today) days += workingDaysIncluding(calendar, p.startedOn, today);
  }
  return days;
}

/** The due date: the limit counted from the day after acceptance (第四十二条), pushed by the paused days. */
export function dueOn(calendar: WorkingDays, c: CaseFile, today: string): string {
  return calendar.addWorkingDays(c.opened.acceptedOn, limitOf(c) + pausedDays(calendar, c, today));
}

/**
 * The clock at a date: working days used (pauses excluded), left, the due date, paused or not, and its flag by
 * the platform's one deadline rule (`deadlineLevel` of `@gov/calendar`: yellow with at most 2 working days left,
 * the due date included; red once it has passed), the rule review-and-monitor's 时限预警 warns by. A year without a
 * published calendar is reported as `problem`, never counted as plain weekdays.
 */
export function clockAt(calendar: WorkingDays, c: CaseFile, today: string): ClockView {
  const limitDays = limitOf(c);
  const paused = c.procedures.some((p) => !p.endedOn && p.startedOn <= today);
  const end = c.decision ? c.decision.decidedOn : today;
  try {
    const pd = pausedDays(calendar, c, end);
    const used = Math.max(0, calendar.workingDaysBetween(c.opened.acceptedOn, end) - pd);
    const left = limitDays - used;
    const due = dueOn(calendar, c, end);
    const flag = deadlineLevel(end, due, left);
    return {
      limitDays,
      usedDays: used,
      leftDays: left,
      dueOn: due,
      paused,
      pausedDays: pd,
      flag,
    };
  } catch (error) {
    if ((error as Error).name !== "CalendarYearNotLoadedError") throw error;
    return {
      limitDays,
      usedDays: 0,
      leftDays: limitDays,
      paused,
      pausedDays: 0,
      flag: "red",
      problem: (error as Error).message,
    };
  }
}

export { nextDay };

/** A step's own clock: its limit, working days used since it was reached, its due date, and whether it is overdue. */
export interface StepClock {
  limitDays: number;
  openedOn?: string;
  usedDays?: number;
  dueOn?: string;
  /** Past its limit: more working days used than the step's limit (a step due today is not overdue yet). */
  overdue: boolean;
  /** Set instead of the figures when a year the count needs has no published calendar. */
  problem?: string;
}

/**
 * A step's clock at a date, by the case clock's rule (行政许可法 第四十二条: working days on the published calendar,
 * counted from the day after the step was reached; a special procedure's working days excluded, 第四十五条). Each
 * step's limit is its share of the promised limit (or the matter's own per-step limit).
 */
export function stepClockAt(
  calendar: WorkingDays,
  c: CaseFile,
  step: CaseFile["steps"][number],
  today: string,
): StepClock {
  const limitDays = step.timeLimitDays;
  const from = step.openedOn;
  if (!from) return { limitDays, overdue: false };
  try {
    let paused = 0;
    for (const p of c.procedures) {
      const start = p.startedOn > nextDay(from) ? p.startedOn : nextDay(from);
      const endOf = p.endedOn ?? today;
      const end = endOf < today ? endOf : today;
      if (start <= end) paused += workingDaysIncluding(calendar, start, end);
    }
    const used = Math.max(0, calendar.workingDaysBetween(from, today) - paused);
    return {
      limitDays,
      openedOn: from,
      usedDays: used,
      dueOn: calendar.addWorkingDays(from, limitDays + paused),
      overdue: used > limitDays,
    };
  } catch (error) {
    if ((error as Error).name !== "CalendarYearNotLoadedError") throw error;
    return { limitDays, openedOn: from, overdue: false, problem: (error as Error).message };
  }
}
