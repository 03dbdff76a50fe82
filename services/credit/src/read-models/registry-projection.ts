import { type EventStore, memoryReadModel, rebuildMemoryModel } from "@gov/eventsourcing";
import { type MeasuresList, measuresV1 } from "../domain/measures.ts";
import { CreditRegistry } from "./registry.ts";

const categories = ["subject"];

/** The registry, kept in memory and fed from the log; rebuilt from the log on every start. */
export function registryReadModel(store: EventStore, measures: MeasuresList = measuresV1) {
  return memoryReadModel(store, {
    name: "credit-registry",
    categories,
    create: () => new CreditRegistry(measures),
  });
}

/** A fresh registry from the whole log, for the rebuild-equals-live check. */
export function rebuildRegistry(
  store: EventStore,
  measures: MeasuresList = measuresV1,
): Promise<CreditRegistry> {
  return rebuildMemoryModel(store, categories, new CreditRegistry(measures));
}
