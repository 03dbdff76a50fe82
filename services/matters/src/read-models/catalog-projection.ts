import { type EventStore, rebuildMemoryModel, startMemoryProjection } from "@gov/eventsourcing";
import { Catalog } from "./catalog.ts";

const categories = ["matter", "bundle"];

/**
 * Keeps an in-memory catalog up to date from the store's log (categories `matter` and `bundle`). In memory
 * because the catalog is small: on start it is rebuilt from the log, which is also the rebuild check.
 */
export function startCatalogProjection(store: EventStore, signal: AbortSignal) {
  const projection = startMemoryProjection(store, {
    subscriberId: "matters-catalog",
    categories,
    model: new Catalog(),
    signal,
  });
  return Object.assign(projection, { catalog: projection.model });
}

/** Builds a fresh catalog from the whole log, for the rebuild-equals-live check. */
export function rebuildCatalog(store: EventStore): Promise<Catalog> {
  return rebuildMemoryModel(store, categories, new Catalog());
}
