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
  /**
   * With `checkpoints`: store the position at most this often (ms) instead of after every page (default 0: every
   * page). A crash then delivers again up to this long's worth of pages, so use it only for at-least-once
   * handlers that make a repeat harmless (the bus's). The position in hand is stored when the subscription
   * stops, also when a handler failed (the pages before it were handled). Pages a filter left empty are not
   * stored on their own either way unless this much time has passed: they change nothing to deliver again.
   */
  checkpointEveryMs?: number;
  /**
   * Hands the caller a function that makes the subscriber read at once: it ends the current wait
   * (`store.wakeWaiting`), or, asked while a page is read or handled, skips the next one. The wait passes the
   * filter to the store, which may then sleep through appends of other categories; a caller that needs the
   * subscriber's position past such an append (a read-your-writes wait) wakes it with this.
   */
  wakeable?: (wakeNow: () => void) => void;
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
  const every = options.checkpointEveryMs ?? 0;
  // The checkpoint as last stored (the compare-and-set's previous value), and when.
  let stored = position;
  let storedAt = performance.now();
  const save = async () => {
    if (!checkpoints || position === undefined || position === stored) return;
    await checkpoints.store(subscriberId, position, stored);
    stored = position;
    storedAt = performance.now();
  };
  let wakeAsked = false;
  options.wakeable?.(() => {
    wakeAsked = true;
    store.wakeWaiting?.(signal);
  });
  try {
    while (!signal.aborted) {
      wakeAsked = false;
      const page = await store.readAll({
        ...(position === undefined ? {} : { after: position }),
        limit: options.batchSize ?? 500,
        ...(options.filter ? { filter: options.filter } : {}),
      });
      const next = page.nextPosition;
      if (next !== undefined && next !== position) {
        const handled = page.events.length > 0;
        if (handled) await options.handle(page.events, next);
        position = next;
        const due = performance.now() - storedAt >= Math.max(every, handled ? 0 : 1000);
        if (due || (handled && every === 0)) await save();
        options.onAdvance?.(next);
      }
      if (page.endOfLog) {
        options.onCaughtUp?.();
        // A wake-up asked while this page was read or handled reads again at once.
        if (!wakeAsked) await store.waitForAppend(options.idleWaitMs ?? 1000, signal, options.filter);
      }
    }
  } finally {
    // What was handled is not delivered again after a clean stop (nor after a failing page, up to that page).
    if (every > 0 || position !== stored) await save().catch(() => undefined);
  }
}

/**
 * How many events of `filter` (and `counts`, if given) the log holds after `after`: a subscriber's or a
 * projection's lag. The count stops at `cap`, and so does the reading: at most `maxPages` pages of the log
 * (a page examines up to a few thousand rows of other categories on PostgreSQL). A follower that far behind —
 * a copy of the catalog at the start of a log of a million applications — is reported as at least 1 behind
 * (or what it counted), never 0, without reading the whole log on every readiness check or metrics scrape.
 */
export async function countAhead(
  store: Pick<EventStore, "readAll">,
  options: {
    after: string | undefined;
    filter?: LogFilter;
    counts?: (event: RecordedEvent) => boolean;
    cap?: number;
    maxPages?: number;
  },
): Promise<number> {
  const cap = options.cap ?? 10_000;
  let after = options.after;
  let n = 0;
  for (let pages = 0; pages < (options.maxPages ?? 20); pages++) {
    const page = await store.readAll({
      ...(after === undefined ? {} : { after }),
      limit: Math.min(1000, cap - n),
      ...(options.filter ? { filter: options.filter } : {}),
    });
    n += options.counts ? page.events.filter(options.counts).length : page.events.length;
    if (n >= cap || page.endOfLog || page.nextPosition === undefined || page.nextPosition === after) return n;
    after = page.nextPosition;
  }
  return Math.max(n, 1);
}
