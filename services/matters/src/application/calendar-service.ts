import { calendarStreamId, mattersEventSchemas, mattersEventTypes } from "@gov/contracts";
import { type CommandContext, commandHandler, type EventStore, EventTypes } from "@gov/eventsourcing";
import {
  type CalendarCommand,
  type CalendarEvent,
  evolveCalendar,
  initialCalendarState,
} from "../domain/calendar/calendar.ts";
import { decideCalendar } from "../domain/calendar/decide.ts";

export const calendarTypes = new EventTypes<CalendarEvent>(
  { CalendarYearPublished: mattersEventTypes.CalendarYearPublished },
  { schemas: { CalendarYearPublished: mattersEventSchemas.CalendarYearPublished } },
);

/** The working-day calendar's use cases: one stream per year, `calendar-<year>`. */
export class CalendarService {
  readonly #years;

  constructor(store: EventStore) {
    this.#years = commandHandler({
      store,
      decider: { initialState: initialCalendarState, evolve: evolveCalendar, decide: decideCalendar },
      types: calendarTypes,
      source: "gov.matters",
      stream: (year) => calendarStreamId(Number(year)),
      caseId: () => undefined,
    });
  }

  year(year: number) {
    return this.#years.load(String(year));
  }

  /** Publishes a year's arrangement: version 1, a correction (n+1), or nothing when it is unchanged. */
  publish(data: CalendarCommand["data"], ctx: CommandContext) {
    return this.#years.handle(String(data.year), { type: "PublishCalendarYear", data }, ctx);
  }
}
