import { type EventStore, runCatchUp } from "@gov/eventsourcing";
import { Catalog } from "./catalog.ts";

/**
 * Keeps an in-memory catalog up to date from the store's log (categories `matter` and `bundle`). In memory
 * because the catalog is small: on start it is rebuilt from the log, which is also the rebuild check.
 */
export function startCatalogProjection(store: EventStore, signal: AbortSignal) {
  const catalog = new Catalog();
  let caughtUp = false;
  let position: string | undefined;
  const done = runCatchUp({
    store,
    subscriberId: "matters-catalog",
    filter: { categories: ["matter", "bundle"] },
    signal,
    load: () => undefined,
    handle: (events, next) => {
      for (const e of events) catalog.apply(e);
      position = next;
    },
    onCaughtUp: () => {
      caughtUp = true;
    },
  });
  return {
    catalog,
    done,
    get caughtUp() {
      return caughtUp;
    },
    get position() {
      return position;
    },
  };
}

/** Builds a fresh catalog from the whole log, for the rebuild-equals-live check. */
export async function rebuildCatalog(store: EventStore): Promise<Catalog> {
  const catalog = new Catalog();
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({
      ...(after ? { after } : {}),
      limit: 1000,
      filter: { categories: ["matter", "bundle"] },
    });
    for (const e of page.events) catalog.apply(e);
    if (page.nextPosition === undefined || page.nextPosition === after || page.endOfLog) break;
    after = page.nextPosition;
  }
  return catalog;
}
