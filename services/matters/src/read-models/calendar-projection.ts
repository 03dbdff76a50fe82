import { PublishedCalendar } from "@gov/calendar";
import { type EventStore, memoryReadModel, rebuildMemoryModel } from "@gov/eventsourcing";

const categories = ["calendar"];

/** The published working-day calendar, kept in memory from the store's log (category `calendar`). */
export function calendarReadModel(store: EventStore) {
  return memoryReadModel(store, {
    name: "matters-calendar-log",
    categories,
    create: () => new PublishedCalendar(),
  });
}

/** A fresh published calendar from the whole log, for the rebuild-equals-live check. */
export function rebuildPublishedCalendar(store: EventStore): Promise<PublishedCalendar> {
  return rebuildMemoryModel(store, categories, new PublishedCalendar());
}
