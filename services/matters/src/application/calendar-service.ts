import { calendarStreamId, mattersEventTypes } from "@gov/contracts";
import { commandIds, type EventStore, EventTypes, eventMetadata, handleCommand } from "@gov/eventsourcing";
import {
  type CalendarCommand,
  type CalendarEvent,
  type CalendarState,
  evolveCalendar,
  initialCalendarState,
} from "../domain/calendar/calendar.ts";
import { decideCalendar } from "../domain/calendar/decide.ts";
import { type RequestContext, SOURCE } from "./matters-service.ts";

const calendarDecider = {
  initialState: initialCalendarState,
  evolve: evolveCalendar,
  decide: decideCalendar,
};
export const calendarTypes = new EventTypes<CalendarEvent>({
  CalendarYearPublished: mattersEventTypes.CalendarYearPublished,
});

/** The working-day calendar's use cases: one stream per year, `calendar-<year>`. */
export class CalendarService {
  readonly #store: EventStore;

  constructor(store: EventStore) {
    this.#store = store;
  }

  async year(year: number): Promise<CalendarState> {
    const events = await this.#store.readStream(calendarStreamId(year));
    return events
      .flatMap((e) => calendarTypes.toDomain(e) ?? [])
      .reduce(evolveCalendar, initialCalendarState());
  }

  /** Publishes a year's arrangement: version 1, a correction (n+1), or nothing when it is unchanged. */
  publish(data: CalendarCommand["data"], ctx: RequestContext) {
    return handleCommand({
      store: this.#store,
      streamId: calendarStreamId(data.year),
      decider: calendarDecider,
      types: calendarTypes,
      command: { type: "PublishCalendarYear", data, metadata: { now: ctx.now, actor: ctx.actor } },
      metadata: eventMetadata(SOURCE, ctx),
      ...commandIds(ctx),
    });
  }
}
