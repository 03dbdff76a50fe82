import type { ChainHead } from "../hash-chain.ts";

/**
 * Stream heads this process has seen committed (after its own appends, and at the end of stream reads),
 * so that an append with a numeric expected revision can chain on the remembered head and skip the
 * head-reading query. A remembered head is only a guess: `append_events()` compares the stored head's
 * version and hash and reports a conflict if they differ, and the append then takes the reading path.
 */
export class StreamHeadCache {
  readonly #heads = new Map<string, ChainHead>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** The remembered head when it is at `revision`, else undefined. */
  at(streamId: string, revision: number): ChainHead | undefined {
    const head = this.#heads.get(streamId);
    return head?.revision === revision ? head : undefined;
  }

  remember(streamId: string, head: ChainHead): void {
    const known = this.#heads.get(streamId);
    if (known && known.revision > head.revision) return;
    this.#heads.delete(streamId);
    this.#heads.set(streamId, head);
    if (this.#heads.size > this.#capacity) {
      const oldest = this.#heads.keys().next().value;
      if (oldest !== undefined) this.#heads.delete(oldest);
    }
  }
}
