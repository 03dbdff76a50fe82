import { type EventStore, runCatchUp } from "@gov/eventsourcing";
import { CreditRegistry } from "./registry.ts";

const categories = ["subject"];

/** Keeps the in-memory registry up to date from the log; rebuilt from the log on every start. */
export function startRegistryProjection(store: EventStore, signal: AbortSignal) {
  const registry = new CreditRegistry();
  let caughtUp = false;
  const done = runCatchUp({
    store,
    subscriberId: "credit-registry",
    filter: { categories },
    signal,
    load: () => undefined,
    handle: (events) => {
      for (const e of events) registry.apply(e);
    },
    onCaughtUp: () => {
      caughtUp = true;
    },
  });
  return {
    registry,
    done,
    get caughtUp() {
      return caughtUp;
    },
  };
}

/** A fresh registry from the whole log, for the rebuild-equals-live check. */
export async function rebuildRegistry(store: EventStore): Promise<CreditRegistry> {
  const registry = new CreditRegistry();
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ ...(after ? { after } : {}), limit: 1000, filter: { categories } });
    for (const e of page.events) registry.apply(e);
    if (page.endOfLog || page.nextPosition === undefined || page.nextPosition === after) return registry;
    after = page.nextPosition;
  }
}
