import type { AllStreamSubscription, EventStoreDBClient } from "@eventstore/db-client";

/**
 * Wakes waiting subscribers when any non-system event is written: one catch-up subscription to `$all` from
 * its end, filtered server-side like the client's `excludeSystemEvents()` (event types not starting with
 * `$`, so checkpoint writes do not wake their own subscriber). Started on the first wait; if it fails or
 * drops, waiters fall back to their timeout and the next wait subscribes again.
 */
export class EsdbAppendListener {
  readonly #client: EventStoreDBClient;
  readonly #waiters = new Set<() => void>();
  #subscription: AllStreamSubscription | undefined;
  #closed = false;

  constructor(client: EventStoreDBClient) {
    this.#client = client;
  }

  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#closed || signal?.aborted) return Promise.resolve();
    const waiting = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal?.addEventListener("abort", done, { once: true });
      this.#waiters.add(done);
    });
    this.#subscribe();
    return waiting;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const wake of [...this.#waiters]) wake();
    const subscription = this.#subscription;
    this.#subscription = undefined;
    await subscription?.unsubscribe().catch(() => undefined);
  }

  #subscribe(): void {
    if (this.#subscription || this.#closed) return;
    const subscription = this.#client.subscribeToAll({
      fromPosition: "end",
      filter: { filterOn: "eventType", regex: "^[^$].*", checkpointInterval: 1 },
    });
    // A dropped subscription leaves its waiters to their timeouts (waking them at once could spin while the
    // server refuses subscriptions); the next wait subscribes again.
    const drop = () => {
      if (this.#subscription === subscription) this.#subscription = undefined;
    };
    subscription.on("data", () => {
      for (const wake of [...this.#waiters]) wake();
    });
    subscription.on("error", drop);
    subscription.on("end", drop);
    subscription.on("close", drop);
    this.#subscription = subscription;
  }
}
