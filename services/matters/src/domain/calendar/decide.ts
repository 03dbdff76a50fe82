import { isDeepStrictEqual } from "node:util";
import { isCalendarDate, weekdayOf } from "@gov/calendar";
import type { CalendarNotice } from "@gov/contracts";
import { RuleViolation } from "@gov/eventsourcing";
import type { CalendarCommand, CalendarContent, CalendarEvent, CalendarState } from "./calendar.ts";

type Problem = { field: string; message: string };

/** The calendar decider: which events follow from a command in a year's state. Pure; throws domain errors. */
export function decideCalendar(command: CalendarCommand, state: CalendarState): CalendarEvent[] {
  switch (command.type) {
    case "PublishCalendarYear":
      return publishCalendarYear(command, state);
    default: {
      const unreachable: never = command.type;
      throw new Error(`unknown command ${String(unreachable)}`);
    }
  }
}

/**
 * Version 1 of a year, or, when the content differs from the published version, the next version (a
 * correction, which must say why). The same content again is no change and produces no event.
 */
function publishCalendarYear(
  command: Extract<CalendarCommand, { type: "PublishCalendarYear" }>,
  state: CalendarState,
): CalendarEvent[] {
  const { year, reason } = command.data;
  const problems = checkArrangement(command.data);
  if (problems.length > 0) throw new RuleViolation(problems);
  const content = normalise(command.data);
  if (state.status === "unpublished") {
    return [{ type: "CalendarYearPublished", data: { year, version: 1, ...content } }];
  }
  if (isDeepStrictEqual(content, normalise(state.content))) return [];
  if (!reason?.trim())
    throw new RuleViolation([
      { field: "reason", message: `a correction of ${year} version ${state.version} must say why` },
    ]);
  return [
    {
      type: "CalendarYearPublished",
      data: {
        year,
        version: state.version + 1,
        ...content,
        supersedesVersion: state.version,
        reason: reason.trim(),
      },
    },
  ];
}

function checkArrangement(data: CalendarCommand["data"]): Problem[] {
  const problems: Problem[] = [];
  const { year } = data;
  if (!Number.isInteger(year) || year < 2000 || year > 2100)
    problems.push({ field: "year", message: "a year between 2000 and 2100" });
  const checkDates = (field: "holidays" | "makeUpWorkdays", dates: readonly string[]) => {
    const seen = new Set<string>();
    dates.forEach((date, i) => {
      const at = `${field}[${i}]`;
      if (!isCalendarDate(date))
        problems.push({ field: at, message: `not a calendar date (YYYY-MM-DD): ${date}` });
      else if (!date.startsWith(`${year}-`))
        problems.push({ field: at, message: `${date} is not in ${year}` });
      else if (seen.has(date)) problems.push({ field: at, message: `${date} is listed twice` });
      else if (field === "makeUpWorkdays" && ![0, 6].includes(weekdayOf(date)))
        problems.push({
          field: at,
          message: `${date} is not a Saturday or Sunday; only weekend days are made up`,
        });
      seen.add(date);
    });
  };
  checkDates("holidays", data.holidays);
  checkDates("makeUpWorkdays", data.makeUpWorkdays);
  const off = new Set(data.holidays);
  data.makeUpWorkdays.forEach((date, i) => {
    if (off.has(date))
      problems.push({ field: `makeUpWorkdays[${i}]`, message: `${date} is also listed as a holiday` });
  });
  if (!data.notice.title?.trim())
    problems.push({ field: "notice.title", message: "the notice's title is required" });
  if (!data.notice.number?.trim())
    problems.push({ field: "notice.number", message: "the notice's document number (文号) is required" });
  return problems;
}

/** The content as stored: dates ascending, the notice trimmed and without empty optional fields. */
function normalise(data: {
  holidays: readonly string[];
  makeUpWorkdays: readonly string[];
  notice: CalendarNotice;
}): CalendarContent {
  const { title, number, publishedOn, url } = data.notice;
  return {
    holidays: [...data.holidays].sort(),
    makeUpWorkdays: [...data.makeUpWorkdays].sort(),
    notice: {
      title: title.trim(),
      number: number.trim(),
      ...(publishedOn ? { publishedOn } : {}),
      ...(url ? { url } : {}),
    },
  };
}
