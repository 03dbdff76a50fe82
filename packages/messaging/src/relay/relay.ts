import { setTimeout as sleep } from "node:timers/promises";
import type { CheckpointStore, EventStore, LogFilter } from "@gov/eventsourcing";
import type { EventPublisher } from "../event-bus.ts";
import { type MessagingLogger, silentLogger } from "../logging.ts";
import { Lease } from "./lease.ts";

export interface RelayOptions {
  store: EventStore;
  /** Where the relay keeps its position and its lease (usually the store's own checkpoints). */
  checkpoints: CheckpointStore;
  publisher: EventPublisher;
  /** Names the relay's checkpoint and lease: one active relay per name (default `kafka-relay`). */
  name?: string;
  /** This replica's id (e.g. host and pid). */
  owner: string;
  /** Only these events (e.g. one service's categories); all when absent. */
  filter?: LogFilter;
  batchSize?: number;
  /** How long a lease lasts without renewal (default 10 s): a crashed relay's standby waits this long. */
  leaseTtlMs?: number;
  /** Back-off while the broker is down: first wait and the most it grows to (defaults 200 ms, 5 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  signal: AbortSignal;
  logger?: MessagingLogger;
  /** Called after each acknowledged page (metrics, benchmarks). */
  onPublished?: (count: number) => void;
  /**
   * Called after each acknowledged page with how far behind the relay is: 0 once it reached the end of the
   * log, else the seconds between the last published event's `time` and now (`relay_lag_seconds`).
   */
  onLag?: (seconds: number) => void;
}

/**
 * The relay (docs/messaging.md): reads the store's global log from its durable checkpoint
 * and publishes each page, moving the checkpoint only after the broker acknowledged the page. A crash between
 * the two publishes that page again on restart (consumers absorb the duplicates); nothing is ever skipped.
 * While the broker is down it backs off and retries the same page; it holds a lease so that two replicas do
 * not both publish.
 */
export async function runRelay(options: RelayOptions): Promise<void> {
  const { store, checkpoints, publisher, signal } = options;
  const log = options.logger ?? silentLogger;
  const name = options.name ?? "kafka-relay";
  const ttl = options.leaseTtlMs ?? 10_000;
  const lease = new Lease({ checkpoints, name, owner: options.owner, ttlMs: ttl });
  const checkpointId = `relay:${name}`;
  let backoff = 0;
  let holding = false;
  let renewedAt = 0;
  const read = (after: string | undefined) =>
    store.readAll({
      ...(after === undefined ? {} : { after }),
      limit: options.batchSize ?? 500,
      ...(options.filter ? { filter: options.filter } : {}),
    });
  // The next page is read while the broker acknowledges the current one (store and broker round trips overlap).
  // It is only a read: the checkpoint still moves after each acknowledgement, so nothing can be skipped.
  let prefetched: { after: string | undefined; page: ReturnType<typeof read> } | undefined;
  // The checkpoint as this relay last loaded or stored it, while it holds the lease: no load (a round trip) per
  // page. Another writer is still caught, by the compare-and-set of the next store.
  let known: { position: string | undefined } | undefined;
  const discardPrefetch = () => {
    prefetched?.page.catch(() => undefined);
    prefetched = undefined;
  };

  while (!signal.aborted) {
    if (!holding || Date.now() - renewedAt > ttl / 3) {
      const held = await lease.acquire();
      if (held !== holding) {
        log.info({ relay: name, owner: options.owner, held }, "relay lease changed");
        known = undefined;
      }
      holding = held;
      renewedAt = Date.now();
      if (!holding) {
        discardPrefetch();
        await sleep(ttl / 3, undefined, { signal }).catch(() => undefined);
        continue;
      }
    }
    const position = known ? known.position : await checkpoints.load(checkpointId);
    known = { position };
    const page = await (prefetched && prefetched.after === position ? prefetched.page : read(position));
    discardPrefetch();
    if (!page.endOfLog && page.nextPosition !== undefined && page.nextPosition !== position) {
      prefetched = { after: page.nextPosition, page: read(page.nextPosition) };
    }
    try {
      await publisher.publish(page.events);
      backoff = 0;
    } catch (error) {
      discardPrefetch();
      backoff = Math.min(
        backoff === 0 ? (options.initialBackoffMs ?? 200) : backoff * 2,
        options.maxBackoffMs ?? 5000,
      );
      log.warn({ relay: name, error: String(error), retryInMs: backoff }, "publish failed; backing off");
      await sleep(backoff, undefined, { signal }).catch(() => undefined);
      continue;
    }
    if (page.nextPosition !== undefined && page.nextPosition !== position) {
      // Compare-and-set: a conflict means another relay moved it, so this one no longer holds the lease.
      try {
        await checkpoints.store(checkpointId, page.nextPosition, position);
      } catch (error) {
        discardPrefetch();
        log.warn({ relay: name, error: String(error) }, "relay checkpoint moved by another replica");
        holding = false;
        known = undefined;
        continue;
      }
      known = { position: page.nextPosition };
    }
    if (page.events.length > 0) options.onPublished?.(page.events.length);
    if (options.onLag) {
      const last = page.events.at(-1);
      const behind = page.endOfLog || !last ? 0 : (Date.now() - Date.parse(last.time)) / 1000;
      options.onLag(Math.max(0, Number.isFinite(behind) ? behind : 0));
    }
    if (page.endOfLog) await store.waitForAppend(1000, signal, options.filter);
  }
  discardPrefetch();
  if (holding) await lease.release();
}
