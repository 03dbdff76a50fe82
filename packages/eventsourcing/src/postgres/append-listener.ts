import pg from "pg";

/**
 * Wakes waiting subscribers when an append commits: `append_events()` sends a NOTIFY on the schema's
 * channel inside the append transaction, and PostgreSQL delivers it at commit. One dedicated connection
 * LISTENs, opened on the first wait. If it cannot connect or drops, waiters fall back to their timeout and
 * the next wait reconnects. A notification is a hint, not a promise: the event may still be held back by an
 * older open transaction (readAll's horizon), so a subscriber always re-reads and waits again.
 */
export class AppendListener {
  readonly #config: pg.ClientConfig;
  readonly #channel: string;
  readonly #waiters = new Set<() => void>();
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #closed = false;

  constructor(config: pg.ClientConfig, channel: string) {
    this.#config = config;
    this.#channel = channel;
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
    void this.#listen().catch(() => undefined);
    return waiting;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wakeAll();
    await this.#connecting?.catch(() => undefined);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
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
      if (message.channel === this.#channel) this.#wakeAll();
    });
    // A dropped listener wakes its waiters, so that they re-read rather than sleep through missed appends.
    const drop = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
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
  }

  #wakeAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}
