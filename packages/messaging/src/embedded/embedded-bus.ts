import { setTimeout as sleep } from "node:timers/promises";
import {
  type CheckpointStore,
  countAhead,
  type EventStore,
  IdempotencyConflictError,
  nameBasedUuid,
  type RecordedEvent,
  runCatchUp,
} from "@gov/eventsourcing";
import { deliver } from "../delivery.ts";
import type { DeadLetter, EventBus, EventHandler, SubscribeOptions, Subscription } from "../event-bus.ts";
import { type MessagingLogger, silentLogger } from "../logging.ts";
import { parseTopic, topicOf } from "../topics.ts";

export const DEAD_LETTER_TYPE = "gov.platform.deadletter.recorded.v1";
const deadLetterStream = (groupId: string) => `deadletter-${groupId}`;
/**
 * How often a subscription stores its checkpoint while it delivers (and when it stops). A crash delivers again
 * what was handled since, which at-least-once handlers make harmless.
 */
const CHECKPOINT_EVERY_MS = 1000;

/**
 * The bus of embedded mode: no broker, each consumer group follows the store's global log from its own durable
 * checkpoint (`bus:<group>`), so delivery is in log order, at least once, and survives restarts like Kafka's.
 * Dead letters are events in the store (stream `deadletter-<group>`), replayable like Kafka's.
 */
export class EmbeddedEventBus implements EventBus {
  readonly #store: EventStore;
  readonly #checkpoints: CheckpointStore;
  readonly #log: MessagingLogger;
  readonly #running = new Set<Subscription>();

  constructor(store: EventStore, checkpoints: CheckpointStore, logger: MessagingLogger = silentLogger) {
    this.#store = store;
    this.#checkpoints = checkpoints;
    this.#log = logger;
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const { groupId } = options;
    const topics = new Set(options.topics);
    const categories = [...new Set(options.topics.map((t) => parseTopic(t)?.category ?? t))];
    const subscriberId = `bus:${groupId}`;
    // An ephemeral subscription keeps its position in memory: every start reads the log from the beginning.
    const checkpoints = options.ephemeral ? memoryCheckpoints() : this.#checkpoints;
    const controller = new AbortController();
    const signal = controller.signal;
    // Where the subscription has handled up to (ahead of the stored checkpoint by up to CHECKPOINT_EVERY_MS).
    let handledUpTo: string | undefined;
    const handlePage = async (events: RecordedEvent[]) => {
      for (const event of events) {
        const topic = topicOf(event);
        if (!topics.has(topic)) continue;
        const where = { topic, offset: event.position };
        const outcome = await deliver(options.handle, event, where, options, signal);
        if (signal.aborted) throw new Error("stopped"); // the page is delivered again on the next start
        if (!outcome.ok) {
          this.#log.warn({ groupId, ...where, error: outcome.error }, "event sent to the dead letters");
          await this.#deadLetter({
            event,
            groupId,
            ...where,
            error: outcome.error,
            attempts: outcome.attempts,
          });
        }
      }
    };
    // A failing page (the store briefly unavailable) restarts the subscription from its checkpoint.
    const done = (async () => {
      while (!signal.aborted) {
        try {
          await runCatchUp({
            store: this.#store,
            checkpoints,
            subscriberId,
            filter: { categories },
            batchSize: 100,
            signal,
            handle: handlePage,
            // Delivery is at least once: the checkpoint is one write a second, not one (fsync'd) write a page.
            checkpointEveryMs: CHECKPOINT_EVERY_MS,
            onAdvance: (next) => {
              handledUpTo = next;
            },
          });
        } catch (error) {
          if (signal.aborted) break;
          this.#log.error({ groupId, error: String(error) }, "embedded subscription failed; restarting");
          await sleep(500, undefined, { signal }).catch(() => undefined);
        }
      }
    })();
    const subscription: Subscription = {
      groupId,
      ephemeral: options.ephemeral === true,
      lag: () => this.#lag(checkpoints, subscriberId, categories, topics, handledUpTo),
      stop: async () => {
        controller.abort();
        await done;
        this.#running.delete(subscription);
      },
      deadLetters: () => this.deadLetters(groupId),
      deadLetterCount: () => this.deadLetterCount(groupId),
      replayDeadLetters: () => this.replayDeadLetters(groupId, options.handle),
    };
    this.#running.add(subscription);
    return subscription;
  }

  subscriptions(): readonly Subscription[] {
    return [...this.#running];
  }

  async #lag(
    checkpoints: CheckpointStore,
    subscriberId: string,
    categories: string[],
    topics: Set<string>,
    handledUpTo: string | undefined,
  ): Promise<number> {
    // Bounded (countAhead): readiness checks and the lag gauge call this, and a full count of a far-behind
    // group would read the whole log each time.
    return countAhead(this.#store, {
      after: handledUpTo ?? (await checkpoints.load(subscriberId)),
      filter: { categories },
      counts: (e) => topics.has(topicOf(e)),
    });
  }

  async #deadLetter(letter: DeadLetter & { event: RecordedEvent }): Promise<void> {
    const { position: _position, ...event } = letter.event;
    const data = {
      groupId: letter.groupId,
      topic: letter.topic,
      offset: letter.offset,
      error: letter.error.slice(0, 4000),
      attempts: letter.attempts,
      event,
    };
    try {
      await this.#store.append(
        deadLetterStream(letter.groupId),
        [
          {
            // Derived from the failed event: a redelivered page records it once.
            id: nameBasedUuid(`deadletter:${letter.groupId}:${letter.event.id}`),
            type: DEAD_LETTER_TYPE,
            source: "gov.platform",
            time: new Date().toISOString(),
            data: data as never,
            actor: { id: "messaging", role: "system" },
            ...(letter.event.caseid ? { caseid: letter.event.caseid } : {}),
            causationid: letter.event.id,
          },
        ],
        "any",
      );
    } catch (error) {
      if (!(error instanceof IdempotencyConflictError)) throw error;
    }
  }

  async #pending(groupId: string): Promise<{ letters: RecordedEvent[]; done: string | undefined }> {
    const done = await this.#checkpoints.load(`bus-replay:${groupId}`);
    const meta = await this.#store.streamMetadata(deadLetterStream(groupId));
    if (!meta) return { letters: [], done };
    const letters = await this.#store.readStream(deadLetterStream(groupId), {
      fromRevision: done === undefined ? 0 : Number(done) + 1,
    });
    return { letters, done };
  }

  async deadLetterCount(groupId: string): Promise<number> {
    const meta = await this.#store.streamMetadata(deadLetterStream(groupId));
    if (!meta) return 0;
    const done = await this.#checkpoints.load(`bus-replay:${groupId}`);
    return meta.lastRevision - (done === undefined ? -1 : Number(done));
  }

  async deadLetters(groupId: string): Promise<DeadLetter[]> {
    return (await this.#pending(groupId)).letters.map((r) => {
      const d = r.data as unknown as Omit<DeadLetter, "event"> & { event: DeadLetter["event"] };
      return { ...d };
    });
  }

  async replayDeadLetters(groupId: string, handle: EventHandler) {
    const { letters, done } = await this.#pending(groupId);
    let previous = done;
    let replayed = 0;
    for (const record of letters) {
      const letter = record.data as unknown as DeadLetter;
      const outcome = await deliver(
        handle,
        letter.event,
        { topic: letter.topic, offset: letter.offset },
        {
          maxAttempts: 1,
        },
      );
      if (!outcome.ok) break;
      const next = String(record.streamversion);
      await this.#checkpoints.store(`bus-replay:${groupId}`, next, previous);
      previous = next;
      replayed++;
    }
    return { replayed, remaining: letters.length - replayed };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#running].map((s) => s.stop()));
  }
}

function memoryCheckpoints(): CheckpointStore {
  const positions = new Map<string, string>();
  return {
    load: async (id) => positions.get(id),
    store: async (id, position) => {
      positions.set(id, position);
    },
  };
}
