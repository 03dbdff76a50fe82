import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Consumer, type MessagesStream, stringDeserializers } from "@platformatic/kafka";
import { fromKafkaMessage } from "../cloudevents.ts";
import { deliver, describe as describeError, type Outcome } from "../delivery.ts";
import type { DeadLetter, EventBus, EventHandler, SubscribeOptions, Subscription } from "../event-bus.ts";
import type { KafkaSettings } from "../kafka/kafka-client.ts";
import { type MessagingLogger, silentLogger } from "../logging.ts";
import { baseOptions, type PlatformaticTopicAdmin, platformaticGroupLag } from "./client.ts";
import {
  asKafkajsMessage,
  deadLetterRange,
  markReplayed,
  readDeadLetters,
  type StringMessage,
  sendDeadLetter,
  toPlatformaticDeadLetter,
} from "./dead-letters.ts";
import { createProducer, type StringProducer } from "./publisher.ts";

/** Messages fetched but not yet handled, over all partitions of one subscription, before fetching pauses. */
const MAX_BUFFERED = 2000;
/** Back-off while the broker is unreachable: a consumer that failed is rebuilt after 200 ms doubling to 5 s. */
const RESTART_BACKOFF = { first: 200, max: 5000 };

type Stream = MessagesStream<string, string, string, string>;

/**
 * The consumer runner on @platformatic/kafka, with the kafkajs adapter's semantics: each message is handled
 * at least once (its offset is committed only after the handler returned, or after it went to the dead
 * letters); partitions are handled concurrently, the messages of one partition (hence of one key) in order.
 * A message that fails every retry goes to the group's dead-letter topic with its error, and the partition
 * moves on. When the broker goes away the client's stream ends with an error: the subscription rebuilds its
 * consumer with back-off and resumes from the committed offsets, skipping what it already handled.
 */
export class PlatformaticEventBus implements EventBus {
  readonly #settings: KafkaSettings;
  readonly #topics: PlatformaticTopicAdmin;
  readonly #log: MessagingLogger;
  readonly #runners = new Set<GroupRunner>();
  readonly #subscriptions = new Set<Subscription>();
  #producer: StringProducer | undefined;

  constructor(settings: KafkaSettings, topics: PlatformaticTopicAdmin) {
    this.#settings = settings;
    this.#topics = topics;
    this.#log = settings.logger ?? silentLogger;
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const { topics } = options;
    // An ephemeral subscription gets a group of its own for this start only.
    const groupId = options.ephemeral ? `${options.groupId}.ephemeral.${randomUUID()}` : options.groupId;
    const runner = new GroupRunner({
      settings: this.#settings,
      groupId,
      options,
      log: this.#log,
      deadLetter: async (message, outcome) => {
        this.#producer ??= createProducer(this.#settings);
        await sendDeadLetter(this.#producer, this.#topics, {
          groupId,
          message,
          error: outcome.error,
          attempts: outcome.attempts,
        });
      },
    });
    this.#runners.add(runner);
    // A broker that is down or not ready yet never ends the process: the subscription keeps trying, with
    // back-off, to create its topics and join its group, and reports lag (so readiness) as failing meanwhile.
    // `subscribe` returns once it has joined, or after at most 5 s while it goes on trying.
    const abandoned = new AbortController();
    const starting = (async () => {
      for (let delay = 200; !abandoned.signal.aborted; delay = Math.min(delay * 2, 5_000)) {
        try {
          await this.#topics.ensure(topics);
          await runner.start();
          return;
        } catch (error) {
          this.#log.warn(
            { groupId, error: describeError(error), retryInMs: delay },
            "platformatic: the subscription waits for the broker",
          );
          await runner.abandonConsumer();
          await sleep(delay, undefined, { signal: abandoned.signal }).catch(() => undefined);
        }
      }
    })();
    await Promise.race([starting, sleep(5_000)]);
    const subscription: Subscription = {
      groupId,
      ephemeral: options.ephemeral === true,
      lag: () => platformaticGroupLag(this.#topics, groupId, topics),
      deadLetters: () => this.deadLetters(groupId),
      deadLetterCount: () => this.deadLetterCount(groupId),
      replayDeadLetters: () => this.replayDeadLetters(groupId, options.handle),
      stop: async () => {
        this.#runners.delete(runner);
        this.#subscriptions.delete(subscription);
        abandoned.abort();
        await starting;
        await runner.stop();
        if (options.ephemeral) await this.#topics.deleteGroup(groupId);
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  subscriptions(): readonly Subscription[] {
    return [...this.#subscriptions];
  }

  async deadLetterCount(groupId: string): Promise<number> {
    const range = await deadLetterRange(this.#topics, groupId);
    return Math.max(0, range.end - range.from);
  }

  async deadLetters(groupId: string): Promise<DeadLetter[]> {
    const range = await deadLetterRange(this.#topics, groupId);
    const letters: DeadLetter[] = [];
    await readDeadLetters(this.#settings, this.#topics, groupId, range, async (m) => {
      letters.push(toPlatformaticDeadLetter(m));
      return true;
    });
    return letters;
  }

  async replayDeadLetters(groupId: string, handle: EventHandler) {
    const range = await deadLetterRange(this.#topics, groupId);
    let replayed = 0;
    const stoppedAt = await readDeadLetters(this.#settings, this.#topics, groupId, range, async (m) => {
      const letter = toPlatformaticDeadLetter(m);
      const outcome = await deliver(
        handle,
        letter.event,
        { topic: letter.topic, offset: letter.offset, partition: letter.partition ?? 0 },
        { maxAttempts: 1 },
      );
      if (!outcome.ok) return false;
      await markReplayed(this.#topics, groupId, Number(m.offset));
      replayed++;
      return true;
    });
    return { replayed, remaining: range.end - stoppedAt };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#runners].map((r) => r.stop()));
    this.#runners.clear();
    this.#subscriptions.clear();
    const producer = this.#producer;
    this.#producer = undefined;
    await producer?.close(true).catch(() => undefined);
  }
}

interface RunnerOptions {
  settings: KafkaSettings;
  groupId: string;
  options: SubscribeOptions;
  log: MessagingLogger;
  deadLetter(message: StringMessage, outcome: Extract<Outcome, { ok: false }>): Promise<void>;
}

/**
 * One subscription's consumer: a stream of messages dispatched to one queue per partition. Survives the
 * broker going away by rebuilding the consumer; `generation` tells the messages of a dead stream (dropped
 * unhandled: the new stream fetches them again from the committed offsets) from the live one's.
 */
class GroupRunner {
  readonly #o: RunnerOptions;
  /** Per `topic:partition`: the next offset not yet handled in this process (repeats below it are skipped). */
  readonly #next = new Map<string, bigint>();
  /** Per `topic:partition`: the tail of its chain of handlings. */
  readonly #chains = new Map<string, Promise<void>>();
  #consumer: Consumer<string, string, string, string> | undefined;
  #stream: Stream | undefined;
  #generation = 0;
  #buffered = 0;
  #stopping = false;
  #restarting: Promise<void> | undefined;
  readonly #stopped = new AbortController();

  constructor(options: RunnerOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    const consumer = new Consumer<string, string, string, string>({
      ...baseOptions(this.#o.settings),
      groupId: this.#o.groupId,
      deserializers: stringDeserializers,
      sessionTimeout: 10_000,
      rebalanceTimeout: 20_000,
      heartbeatInterval: 1000,
      maxWaitTime: 500,
      highWaterMark: 512,
    });
    // A failed rejoin is reported as an 'error' event: rebuild rather than let it crash the process.
    consumer.on("error", (error: Error) => this.#failed(error, consumer));
    this.#consumer = consumer;
    const stream = (await consumer.consume({
      topics: [...this.#o.options.topics],
      mode: "committed",
      fallbackMode: "earliest",
      autocommit: false,
    })) as Stream;
    if (this.#stopping) {
      await stream.close().catch(() => undefined);
      return;
    }
    const generation = ++this.#generation;
    this.#stream = stream;
    stream.on("error", (error: Error) => this.#failed(error, consumer));
    stream.on("data", (message: StringMessage) => this.#dispatch(message, generation));
  }

  #dispatch(message: StringMessage, generation: number): void {
    const key = `${message.topic}:${message.partition}`;
    this.#buffered++;
    if (this.#buffered >= MAX_BUFFERED) this.#stream?.pause();
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#handle(key, message, generation));
    this.#chains.set(key, next);
    void next.finally(() => {
      this.#buffered--;
      if (this.#buffered <= MAX_BUFFERED / 2 && this.#stream?.isPaused() && generation === this.#generation)
        this.#stream.resume();
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    });
  }

  async #handle(key: string, message: StringMessage, generation: number): Promise<void> {
    if (this.#stopping || generation !== this.#generation) return; // dropped unhandled; fetched again later
    const handledUpTo = this.#next.get(key);
    if (handledUpTo !== undefined && message.offset < handledUpTo) {
      this.#commit(message); // a repeat after a rebuild: handled already, maybe not committed yet
      return;
    }
    const where = { topic: message.topic, partition: message.partition, offset: String(message.offset) };
    let outcome: Outcome;
    try {
      const kafkajsMessage = asKafkajsMessage(message);
      outcome = await deliver(
        this.#o.options.handle,
        fromKafkaMessage(kafkajsMessage),
        where,
        { ...this.#o.options, groupId: this.#o.groupId },
        this.#stopped.signal,
        { headers: kafkajsMessage.headers },
      );
    } catch (error) {
      outcome = { ok: false, error: describeError(error), attempts: 1 }; // not a CloudEvent: poison as is
    }
    if (!outcome.ok) {
      if (this.#stopped.signal.aborted) return; // stopped during the retries: not handled, not committed
      this.#o.log.warn(
        { groupId: this.#o.groupId, ...where, error: outcome.error },
        "event sent to the dead letters",
      );
      // The offset moves on only once the letter is safe; while the broker is down, keep trying.
      for (let wait = RESTART_BACKOFF.first; ; wait = Math.min(wait * 2, RESTART_BACKOFF.max)) {
        try {
          await this.#o.deadLetter(message, outcome);
          break;
        } catch (error) {
          if (this.#stopping) return;
          this.#o.log.warn(
            { groupId: this.#o.groupId, error: String(error) },
            "dead letter not sent; retrying",
          );
          await sleep(wait, undefined, { signal: this.#stopped.signal }).catch(() => undefined);
        }
      }
    }
    this.#next.set(key, message.offset + 1n);
    this.#commit(message);
  }

  /** Commits past the message; a failure is retried by the client's next flush or by the rebuilt stream. */
  #commit(message: StringMessage): void {
    const done = message.commit();
    if (done) done.catch(() => undefined);
  }

  #failed(error: Error, consumer: Consumer<string, string, string, string>): void {
    if (this.#stopping || consumer !== this.#consumer || this.#restarting) return;
    this.#o.log.warn(
      { groupId: this.#o.groupId, error: String(error) },
      "kafka consumer failed; rebuilding it",
    );
    this.#restarting = this.#rebuild().finally(() => {
      this.#restarting = undefined;
    });
  }

  async #rebuild(): Promise<void> {
    this.#generation++; // messages of the failed stream already queued are dropped unhandled
    await this.#teardown();
    for (let wait = RESTART_BACKOFF.first; !this.#stopping; wait = Math.min(wait * 2, RESTART_BACKOFF.max)) {
      await sleep(wait, undefined, { signal: this.#stopped.signal }).catch(() => undefined);
      if (this.#stopping) return;
      try {
        await this.start();
        this.#o.log.info({ groupId: this.#o.groupId }, "kafka consumer rebuilt");
        return;
      } catch (error) {
        await this.#teardown();
        this.#o.log.warn(
          { groupId: this.#o.groupId, error: String(error), retryInMs: wait },
          "kafka consumer not rebuilt yet",
        );
      }
    }
  }

  async #teardown(): Promise<void> {
    const stream = this.#stream;
    const consumer = this.#consumer;
    this.#stream = undefined;
    this.#consumer = undefined;
    stream?.removeAllListeners("data");
    await stream?.close().catch(() => undefined);
    await consumer?.close(true).catch(() => undefined);
  }

  /** Stops after the events in hand (their offsets are committed), dropping the ones not started. */
  /** Closes the consumer of a start that failed, so that the next start begins afresh. */
  async abandonConsumer(): Promise<void> {
    const stream = this.#stream;
    this.#stream = undefined;
    await stream?.close().catch(() => undefined);
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await consumer?.close(true).catch(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#stream?.pause();
    await this.#restarting;
    this.#stopped.abort();
    await Promise.all([...this.#chains.values()]);
    // Closing the stream flushes the commits queued by the handlings above before the consumer leaves.
    const stream = this.#stream;
    this.#stream = undefined;
    await stream?.close().catch(() => undefined);
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await consumer?.close().catch(() => consumer.close(true).catch(() => undefined));
  }
}
