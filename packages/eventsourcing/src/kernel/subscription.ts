import type { RecordedEvent } from "../envelope.ts";
import type { CheckpointStore, EventStore, LogFilter } from "../event-store.ts";

export interface CatchUpOptions {
  store: EventStore;
  /** Where the subscriber's position is kept. Omit when the handler commits its own checkpoint (see `load`). */
  checkpoints?: CheckpointStore;
  subscriberId: string;
  filter?: LogFilter;
  batchSize?: number;
  /** Longest wait for new events before polling again (default 1000 ms). */
  idleWaitMs?: number;
  signal: AbortSignal;
  /**
   * Handles one page of events, in log order. `nextPosition` is the position to resume from after this page; a
   * handler whose writes live in the store's database can commit them with that checkpoint in one transaction.
   */
  handle(events: RecordedEvent[], nextPosition: string): Promise<void> | void;
  /** Loads the starting position when the handler keeps its own checkpoint. */
  load?: () => Promise<string | undefined> | string | undefined;
  /** Called once whenever the subscriber has read everything there is (e.g. to mark a read model ready). */
  onCaughtUp?: () => void;
  /** Called after each page with the position read up to, also when a filter left the page empty. */
  onAdvance?: (position: string) => void;
}

/**
 * A catch-up subscription over the store's global log: every event exactly in log order, resuming from the
 * durable checkpoint after a crash, waiting on the store's append notification when it reaches the end. A
 * handler that throws stops the subscription (the promise rejects) without moving the checkpoint past the
 * page, so the page is delivered again on restart.
 */
export async function runCatchUp(options: CatchUpOptions): Promise<void> {
  const { store, checkpoints, subscriberId, signal } = options;
  let position = options.load ? await options.load() : await checkpoints?.load(subscriberId);
  while (!signal.aborted) {
    const page = await store.readAll({
      ...(position === undefined ? {} : { after: position }),
      limit: options.batchSize ?? 500,
      ...(options.filter ? { filter: options.filter } : {}),
    });
    const next = page.nextPosition;
    if (next !== undefined && next !== position) {
      if (page.events.length > 0) await options.handle(page.events, next);
      if (checkpoints) await checkpoints.store(subscriberId, next, position);
      position = next;
      options.onAdvance?.(next);
    }
    if (page.endOfLog) {
      options.onCaughtUp?.();
      await store.waitForAppend(options.idleWaitMs ?? 1000, signal);
    }
  }
}
