import { type EventStore, memoryReadModel, rebuildMemoryModel } from "@gov/eventsourcing";
import { Catalog, summaryOf } from "./catalog.ts";
import type { CatalogSnapshot } from "./catalog-sql.ts";

const categories = ["matter", "bundle", "baseline"];

/**
 * The in-memory catalog, fed from the store's log (categories `matter`, `bundle` and `baseline`). The service serves
 * the SQL model (catalog-sql.ts); this one is the reference it is checked against (rebuild-equals-live tests).
 */
export function catalogReadModel(store: EventStore) {
  return memoryReadModel(store, { name: "matters-catalog", categories, create: () => new Catalog() });
}

/** Builds a fresh in-memory catalog from the whole log, the reference for the rebuild-equals-live checks. */
export function rebuildCatalog(store: EventStore): Promise<Catalog> {
  return rebuildMemoryModel(store, categories, new Catalog());
}

/** The in-memory catalog in the shape of the SQL model's snapshot. */
export function referenceSnapshot(catalog: Catalog): CatalogSnapshot {
  const whole = catalog.snapshot();
  return {
    matters: whole.matters.map(summaryOf),
    versions: whole.matters.flatMap((m) => m.versions.map((v) => ({ matterId: m.matterId, ...v }))),
    bundles: whole.bundles,
    baselines: whole.baselines,
  };
}
