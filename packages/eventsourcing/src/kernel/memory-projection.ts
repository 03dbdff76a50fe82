import type { RecordedEvent } from "../envelope.ts";
import type { EventStore } from "../event-store.ts";
import { comparePositions } from "./positions.ts";
import { runCatchUp } from "./subscription.ts";

/** A read model kept in memory: fed every event of its categories, in log order. */
export interface MemoryModel {
  apply(event: RecordedEvent): void;
}

/** What a module hands to the service kit for one read model: its readiness, its shutdown, its position. */
export interface ReadModelHandle<Model> {
  readonly name: string;
  readonly model: Model;
  /** True once the model has read everything the log held when it started (and since). */
  readonly caughtUp: boolean;
  /** The log position the model has read up to (undefined before the first page). */
  readonly position: string | undefined;
  /**
   * Resolves true once the model has read the log up to `position` (a command reply's position: read your
   * own writes), or false after `timeoutMs`.
   */
  waitFor(position: string, timeoutMs: number): Promise<boolean>;
  /** For /health/ready: fails while the model is catching up, or after its subscription stopped. */
  readonly readiness: { name: string; check(): Promise<void> };
  /** Stops following the log. */
  close(): Promise<void>;
}

export interface MemoryReadModelOptions<Model> {
  /** Names the read model in readiness and logs, e.g. `matters-catalog`. */
  name: string;
  categories: readonly string[];
  /** Makes an empty model (also used by `rebuild`). */
  create: () => Model;
}

/**
 * A read model kept in memory and fed from the store's log: rebuilt from the start of the log on every start
 * (no checkpoint), ready once it has caught up. Returns the model with its readiness, position and close
 * together, so that a module hands one thing to the kit.
 */
export function memoryReadModel<Model extends MemoryModel>(
  store: EventStore,
  options: MemoryReadModelOptions<Model>,
): ReadModelHandle<Model> & { rebuild(): Promise<Model> } {
  const model = options.create();
  const controller = new AbortController();
  let caughtUp = false;
  let position: string | undefined;
  let failure: unknown;
  const waiters = new Set<{ position: string; resolve: (ok: boolean) => void }>();
  const reached = (wanted: string) => position !== undefined && comparePositions(position, wanted) >= 0;
  let wake: (() => void) | undefined;
  const done = runCatchUp({
    store,
    subscriberId: options.name,
    filter: { categories: options.categories },
    signal: controller.signal,
    load: () => undefined,
    handle: (events) => {
      for (const e of events) model.apply(e);
    },
    wakeable: (wakeNow) => {
      wake = wakeNow;
    },
    onAdvance: (next) => {
      position = next;
      for (const w of waiters) if (reached(w.position)) w.resolve(true);
    },
    onCaughtUp: () => {
      caughtUp = true;
    },
  }).catch((error: unknown) => {
    failure = error;
  });
  return {
    name: options.name,
    model,
    get caughtUp() {
      return caughtUp;
    },
    get position() {
      return position;
    },
    waitFor(wanted, timeoutMs) {
      if (reached(wanted)) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const waiter = {
          position: wanted,
          resolve: (ok: boolean) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(ok);
          },
        };
        const timer = setTimeout(() => waiter.resolve(false), timeoutMs);
        waiters.add(waiter);
        // It waits for appends of its categories only: a position of another category's event reads now.
        wake?.();
      });
    },
    readiness: {
      name: options.name,
      check: async () => {
        if (failure !== undefined) throw new Error(`${options.name} stopped: ${String(failure)}`);
        if (!caughtUp) throw new Error(`${options.name} is still catching up with the log`);
      },
    },
    async close() {
      controller.abort();
      await done;
      for (const w of waiters) w.resolve(false);
    },
    rebuild: () => rebuildMemoryModel(store, options.categories, options.create()),
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
