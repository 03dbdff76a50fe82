import type { CalendarNotice, MattersEventData } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";

/**
 * One year of the working-day calendar (stream `calendar-<year>`): the arrangement of the State Council's
 * annual notice, published as numbered versions. A correction is the next version, with its reason.
 */
export type CalendarEvent = {
  type: "CalendarYearPublished";
  data: MattersEventData["CalendarYearPublished"];
};

/** What a version says: the days off, the make-up working days and the notice they come from. */
export interface CalendarContent {
  holidays: string[];
  makeUpWorkdays: string[];
  notice: CalendarNotice;
}

export type CalendarState =
  | { status: "unpublished" }
  | { status: "published"; year: number; version: number; content: CalendarContent };

export type CalendarCommand = Command<
  "PublishCalendarYear",
  {
    year: number;
    holidays: readonly string[];
    makeUpWorkdays: readonly string[];
    notice: CalendarNotice;
    /** Why a published version is corrected (required for a correction). */
    reason?: string;
  }
>;

export const initialCalendarState = (): CalendarState => ({ status: "unpublished" });

export function evolveCalendar(_state: CalendarState, event: CalendarEvent): CalendarState {
  switch (event.type) {
    case "CalendarYearPublished": {
      const { year, version, holidays, makeUpWorkdays, notice } = event.data;
      return { status: "published", year, version, content: { holidays, makeUpWorkdays, notice } };
    }
    default: {
      const unreachable: never = event.type;
      return unreachable;
    }
  }
}
