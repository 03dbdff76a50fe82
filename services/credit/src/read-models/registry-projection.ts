import { type EventStore, rebuildMemoryModel, startMemoryProjection } from "@gov/eventsourcing";
import { CreditRegistry } from "./registry.ts";

const categories = ["subject"];

/** Keeps the in-memory registry up to date from the log; rebuilt from the log on every start. */
export function startRegistryProjection(store: EventStore, signal: AbortSignal) {
  const projection = startMemoryProjection(store, {
    subscriberId: "credit-registry",
    categories,
    model: new CreditRegistry(),
    signal,
  });
  return Object.assign(projection, { registry: projection.model });
}

/** A fresh registry from the whole log, for the rebuild-equals-live check. */
export function rebuildRegistry(store: EventStore): Promise<CreditRegistry> {
  return rebuildMemoryModel(store, categories, new CreditRegistry());
}
