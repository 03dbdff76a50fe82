import { type EventStore, rebuildMemoryModel } from "@gov/eventsourcing";
import { type MeasuresList, measuresV1 } from "../domain/measures.ts";
import { CreditRegistry } from "./registry.ts";

/**
 * A fresh in-memory registry from the whole log: the reference the SQL projection (registry-sql.ts) is checked
 * against (rebuild equals live).
 */
export function rebuildRegistry(
  store: EventStore,
  measures: MeasuresList = measuresV1,
): Promise<CreditRegistry> {
  return rebuildMemoryModel(store, ["subject"], new CreditRegistry(measures));
}
