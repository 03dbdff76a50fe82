import pg from "pg";

/** How soon a subscriber whose last read left committed events behind the horizon reads again. */
const HELD_BACK_RECHECK_MS = 20;

/** The listeners of this process by channel, for `noteHeldBack`. */
const listenersByChannel = new Map<string, Set<AppendListener>>();

/**
 * Tells the listeners on `channel` that a read returned while committed events were still held back by the
 * transaction-id horizon (`readAll`): their NOTIFY has been delivered already, so a subscriber that waits for
 * the next one would sleep through them; its next wait is cut short instead.
 */
export function noteHeldBack(channel: string): void {
  for (const listener of listenersByChannel.get(channel) ?? []) listener.heldBack();
}

/**
 * Wakes waiting subscribers when an append commits: `append_events()` sends a NOTIFY on the schema's
 * channel inside the append transaction, and PostgreSQL delivers it at commit. One dedicated connection
 * LISTENs, opened on the first wait. If it cannot connect or drops, waiters fall back to their timeout and
 * the next wait reconnects. A notification is a hint, not a promise: the event may still be held back by an
 * older open transaction (readAll's horizon), so a subscriber always re-reads and waits again.
 *
 * The payload names the category of the events appended (one notification per category a transaction wrote;
 * empty from a schema before version 4, which wakes everyone). A waiter that passes its filter's categories
 * sleeps through notifications for other categories: with every service's subscribers in every process woken
 * by every append, most of the reads found nothing for the reader, a round trip each.
 *
 * A subscriber is busy between two waits (reading, publishing), and a notification that arrives meanwhile
 * wakes nobody. For a waiter that passes its `signal` (the relay, the kernel's subscriptions: one signal per
 * subscriber), the listener remembers what that subscriber has been woken for: a wait returns at once when a
 * notification came after the subscriber's last wake-up, and after `HELD_BACK_RECHECK_MS` when a read since
 * then left events held back — instead of sleeping until the next append or the timeout. A subscriber's first
 * wait returns at once (the listener does not know what it read), and every waiter is woken when LISTEN takes
 * effect (an append may have committed between a subscriber's read and then, notifying nobody).
 */
export class AppendListener {
  readonly #config: pg.ClientConfig;
  readonly #channel: string;
  /** Waiting subscribers, with the categories they wait for (undefined: any). */
  readonly #waiters = new Map<() => void, ReadonlySet<string> | undefined>();
  /**
   * Counters of notifications (all of them; those that named no category; per category) and of held-back reads,
   * and what each subscriber (by signal) had seen of them.
   */
  #notified = 0;
  #notifiedAny = 0;
  readonly #notifiedFor = new Map<string, number>();
  #heldBack = 0;
  readonly #seen = new WeakMap<AbortSignal, { notified: number; heldBack: number }>();
  /** The wait in progress of each subscriber that passed its signal (see `wake`). */
  readonly #waitOf = new WeakMap<AbortSignal, () => void>();
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #closed = false;

  constructor(config: pg.ClientConfig, channel: string) {
    this.#config = config;
    this.#channel = channel;
    const listeners = listenersByChannel.get(channel) ?? new Set();
    listeners.add(this);
    listenersByChannel.set(channel, listeners);
  }

  /** See `noteHeldBack`. */
  heldBack(): void {
    this.#heldBack++;
  }

  /** Waits for a notification (one naming one of `categories`, or any when absent), the timeout, or `signal`. */
  wait(timeoutMs: number, signal?: AbortSignal, categories?: readonly string[]): Promise<void> {
    if (this.#closed || signal?.aborted) return Promise.resolve();
    const wanted = categories ? new Set(categories) : undefined;
    let wait = Math.max(0, timeoutMs);
    void this.#listen().catch(() => undefined);
    if (signal) {
      const seen = this.#seen.get(signal);
      // A subscriber's first wait returns at once: what was notified between its read and now is unknown.
      if (!seen || seen.notified < this.#notifiedCount(wanted)) {
        this.#remember(signal, wanted);
        return Promise.resolve();
      }
      if (seen && seen.heldBack < this.#heldBack) wait = Math.min(wait, HELD_BACK_RECHECK_MS);
    }
    const waiting = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.#waiters.delete(done);
        if (signal && this.#waitOf.get(signal) === done) this.#waitOf.delete(signal);
        // What the subscriber reads next covers everything notified up to now.
        if (signal) this.#remember(signal, wanted);
        resolve();
      };
      const timer = setTimeout(done, wait);
      signal?.addEventListener("abort", done, { once: true });
      this.#waiters.set(done, wanted);
      if (signal) this.#waitOf.set(signal, done);
    });
    return waiting;
  }

  /** Ends the wait of the subscriber known by `signal` now, as a notification for it would (if it waits). */
  wake(signal: AbortSignal): void {
    this.#waitOf.get(signal)?.();
  }

  async close(): Promise<void> {
    this.#closed = true;
    listenersByChannel.get(this.#channel)?.delete(this);
    if (listenersByChannel.get(this.#channel)?.size === 0) listenersByChannel.delete(this.#channel);
    this.#wakeAll();
    await this.#connecting?.catch(() => undefined);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #remember(signal: AbortSignal, wanted: ReadonlySet<string> | undefined): void {
    this.#seen.set(signal, { notified: this.#notifiedCount(wanted), heldBack: this.#heldBack });
  }

  /** The notifications that concern a waiter for `wanted`: all, or those naming no category or one of them. */
  #notifiedCount(wanted: ReadonlySet<string> | undefined): number {
    if (!wanted) return this.#notified;
    let n = this.#notifiedAny;
    for (const category of wanted) n += this.#notifiedFor.get(category) ?? 0;
    return n;
  }

  #listen(): Promise<void> {
    if (this.#client || this.#closed) return Promise.resolve();
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.#config);
    client.on("notification", (message) => {
      if (message.channel !== this.#channel) return;
      const category = message.payload ?? "";
      this.#notified++;
      if (category === "") {
        this.#notifiedAny++;
        this.#wakeAll();
        return;
      }
      this.#notifiedFor.set(category, (this.#notifiedFor.get(category) ?? 0) + 1);
      for (const [wake, wanted] of [...this.#waiters]) if (!wanted || wanted.has(category)) wake();
    });
    // A dropped listener wakes its waiters, so that they re-read rather than sleep through missed appends.
    const drop = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      this.#notified++;
      this.#notifiedAny++;
      this.#wakeAll();
    };
    client.on("error", drop);
    client.on("end", drop);
    try {
      await client.connect();
      await client.query(`LISTEN "${this.#channel}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    // Appends that committed before LISTEN took effect notified nobody: every waiter reads again.
    this.#notified++;
    this.#notifiedAny++;
    this.#wakeAll();
  }

  #wakeAll(): void {
    for (const wake of [...this.#waiters.keys()]) wake();
  }
}
