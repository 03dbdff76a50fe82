/**
 * Runs works that share a key one after the other, in the order asked, and works with different keys freely.
 * For a hot stream that many requests of one process append to (a daily case-serial stream): optimistic
 * concurrency keeps it correct across processes, and queueing inside the process keeps the requests from
 * racing each other into conflicts and retries, each of which costs a read, a validation and a rolled-back
 * write.
 */
export class OneAtATime {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    // The tail settles either way, so one failed work does not fail the ones queued behind it.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Keys with a work running or queued (a test's view: the map empties once every work has settled). */
  get busyKeys(): number {
    return this.#tails.size;
  }
}
