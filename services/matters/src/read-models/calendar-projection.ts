import { PublishedCalendar } from "@gov/calendar";
import { type EventStore, rebuildMemoryModel, startMemoryProjection } from "@gov/eventsourcing";

const categories = ["calendar"];

/** Keeps the published working-day calendar in memory from the store's log (category `calendar`). */
export function startCalendarProjection(store: EventStore, signal: AbortSignal) {
  const projection = startMemoryProjection(store, {
    subscriberId: "matters-calendar",
    categories,
    model: new PublishedCalendar(),
    signal,
  });
  return Object.assign(projection, { calendar: projection.model });
}

/** A fresh published calendar from the whole log, for the rebuild-equals-live check. */
export function rebuildPublishedCalendar(store: EventStore): Promise<PublishedCalendar> {
  return rebuildMemoryModel(store, categories, new PublishedCalendar());
}
