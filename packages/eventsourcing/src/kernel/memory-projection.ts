import type { RecordedEvent } from "../envelope.ts";
import type { EventStore } from "../event-store.ts";
import { runCatchUp } from "./subscription.ts";

/** A read model kept in memory: fed every event of its categories, in log order. */
export interface MemoryModel {
  apply(event: RecordedEvent): void;
}

/**
 * Keeps an in-memory read model up to date from the log: rebuilt from the start of the log on every start (no
 * checkpoint: the model is small), ready once it has caught up. For read models such as a catalog or a
 * registry that a service answers queries from.
 */
export function startMemoryProjection<Model extends MemoryModel>(
  store: EventStore,
  options: { subscriberId: string; categories: readonly string[]; model: Model; signal: AbortSignal },
) {
  const { model } = options;
  let caughtUp = false;
  const done = runCatchUp({
    store,
    subscriberId: options.subscriberId,
    filter: { categories: options.categories },
    signal: options.signal,
    load: () => undefined,
    handle: (events) => {
      for (const e of events) model.apply(e);
    },
    onCaughtUp: () => {
      caughtUp = true;
    },
  });
  return {
    model,
    done,
    /** True once the model has seen everything the log held (for /health/ready). */
    get caughtUp() {
      return caughtUp;
    },
  };
}

/** Builds a fresh model from the whole log, for the rebuild-equals-live check. */
export async function rebuildMemoryModel<Model extends MemoryModel>(
  store: EventStore,
  categories: readonly string[],
  model: Model,
): Promise<Model> {
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ ...(after ? { after } : {}), limit: 1000, filter: { categories } });
    for (const e of page.events) model.apply(e);
    if (page.endOfLog || page.nextPosition === undefined || page.nextPosition === after) return model;
    after = page.nextPosition;
  }
}
