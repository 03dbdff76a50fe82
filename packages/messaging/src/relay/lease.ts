import { CheckpointConflictError, type CheckpointStore } from "@gov/eventsourcing";

/**
 * A lease on top of the store's checkpoints (compare-and-set), so that it works on every adapter: the row
 * `lease:<name>` holds `{ owner, until }`. Whoever holds an unexpired lease may act; a holder renews before it
 * runs out; a crashed holder's lease lapses after `ttlMs`. Two replicas racing for it: exactly one wins the
 * compare-and-set. A holder stalled past its TTL may act once more after another took over, so what it
 * guards (publishing) must tolerate a duplicate; consumers are idempotent.
 */
export class Lease {
  readonly #checkpoints: CheckpointStore;
  readonly #key: string;
  readonly #owner: string;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: {
    checkpoints: CheckpointStore;
    name: string;
    owner: string;
    ttlMs: number;
    now?: () => number;
  }) {
    this.#checkpoints = options.checkpoints;
    this.#key = `lease:${options.name}`;
    this.#owner = options.owner;
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  get owner(): string {
    return this.#owner;
  }

  /** Takes the lease if it is free, lapsed or already ours (then extends it). True when held now. */
  async acquire(): Promise<boolean> {
    const raw = await this.#checkpoints.load(this.#key);
    const current = raw === undefined ? undefined : parse(raw);
    const now = this.#now();
    if (current && current.owner !== this.#owner && current.until > now) return false;
    const next = JSON.stringify({ owner: this.#owner, until: now + this.#ttlMs });
    try {
      await this.#checkpoints.store(this.#key, next, raw);
      return true;
    } catch (error) {
      if (error instanceof CheckpointConflictError) return false;
      throw error;
    }
  }

  /** Gives the lease up (on a clean shutdown), so that a standby takes over at once. */
  async release(): Promise<void> {
    const raw = await this.#checkpoints.load(this.#key);
    if (raw === undefined || parse(raw)?.owner !== this.#owner) return;
    const lapsed = JSON.stringify({ owner: this.#owner, until: 0 });
    await this.#checkpoints.store(this.#key, lapsed, raw).catch(() => undefined);
  }
}

function parse(raw: string): { owner: string; until: number } | undefined {
  try {
    const v = JSON.parse(raw) as { owner?: unknown; until?: unknown };
    return typeof v.owner === "string" && typeof v.until === "number"
      ? { owner: v.owner, until: v.until }
      : undefined;
  } catch {
    return undefined;
  }
}
