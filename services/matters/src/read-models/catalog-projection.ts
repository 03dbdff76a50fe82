import { type EventStore, memoryReadModel, rebuildMemoryModel } from "@gov/eventsourcing";
import { Catalog } from "./catalog.ts";

const categories = ["matter", "bundle", "baseline"];

/**
 * The catalog, kept in memory and fed from the store's log (categories `matter`, `bundle` and `baseline`). In memory
 * because the catalog is small: on start it is rebuilt from the log, which is also the rebuild check.
 */
export function catalogReadModel(store: EventStore) {
  return memoryReadModel(store, { name: "matters-catalog", categories, create: () => new Catalog() });
}

/** Builds a fresh catalog from the whole log, for the rebuild-equals-live check. */
export function rebuildCatalog(store: EventStore): Promise<Catalog> {
  return rebuildMemoryModel(store, categories, new Catalog());
}
