import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Consumer, EachMessagePayload, Kafka, Producer } from "kafkajs";
import { fromKafkaMessage } from "../cloudevents.ts";
import { deliver, describe as describeError } from "../delivery.ts";
import type { EventBus, EventHandler, SubscribeOptions, Subscription } from "../event-bus.ts";
import { type MessagingLogger, silentLogger } from "../logging.ts";
import { deadLetterTopic } from "../topics.ts";
import {
  deadLetterRange,
  readDeadLetters,
  replayGroupOf,
  sendDeadLetter,
  toDeadLetter,
} from "./dead-letters.ts";
import { describeKafkaError, isFatalKafkaError, KafkaConfigurationError } from "./errors.ts";
import type { TopicAdmin } from "./kafka-client.ts";
import { groupLag } from "./lag.ts";

export interface KafkaBusOptions {
  /**
   * How long `subscribe` waits for the group join before it returns anyway (default 5 s). A subscription that
   * has not joined keeps trying in the background and is listed by `problems()` (readiness) until it joins.
   */
  startWaitMs?: number;
  /** Back-off between attempts to start a consumer again (defaults 200 ms doubling to 5 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Told when a subscription stops for good on an error no retry can fix (bad configuration, credentials). */
  onFatal?: (error: KafkaConfigurationError) => void;
}

/**
 * The consumer runner on Kafka. Each message is handled at least once (its offset is committed only after the
 * handler returned, or after it went to the dead letters); partitions are handled concurrently, messages of one
 * partition (hence of one key) in order. A message that fails every retry goes to the group's dead-letter topic
 * with its error, and the partition moves on.
 *
 * No broker error ends a subscription, except one no wait can fix (`isFatalKafkaError`): each subscription is
 * supervised — while the broker is down, restarting or not yet serving its topics, its consumer is started
 * again with back-off until it joins the group, and `problems()` names it meanwhile (readiness).
 */
export class KafkaEventBus implements EventBus {
  readonly #kafka: Kafka;
  readonly #topics: TopicAdmin;
  readonly #log: MessagingLogger;
  readonly #members = new Set<SupervisedConsumer>();
  readonly #subscriptions = new Set<Subscription>();
  readonly #startWaitMs: number;
  readonly #backoff: Backoff;
  readonly #onFatal: ((error: KafkaConfigurationError) => void) | undefined;
  #producer: Promise<Producer> | undefined;

  constructor(
    kafka: Kafka,
    topics: TopicAdmin,
    logger: MessagingLogger = silentLogger,
    options: KafkaBusOptions = {},
  ) {
    this.#kafka = kafka;
    this.#topics = topics;
    this.#log = logger;
    this.#startWaitMs = options.startWaitMs ?? 5000;
    this.#backoff = { initialMs: options.initialBackoffMs ?? 200, maxMs: options.maxBackoffMs ?? 5000 };
    this.#onFatal = options.onFatal;
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    // An ephemeral subscription gets a group of its own for this start only.
    const groupId = options.ephemeral ? `${options.groupId}.ephemeral.${randomUUID()}` : options.groupId;
    const member = new SupervisedConsumer(groupId, options, {
      kafka: this.#kafka,
      topics: this.#topics,
      log: this.#log,
      eachMessage: (payload) => this.#eachMessage(groupId, options, payload),
      backoff: this.#backoff,
      onFatal: this.#onFatal,
    });
    this.#members.add(member);
    const subscription: Subscription = {
      groupId,
      ephemeral: options.ephemeral === true,
      lag: () => this.#topics.use((admin) => groupLag(admin, groupId, options.topics)),
      deadLetters: () => this.deadLetters(groupId),
      deadLetterCount: () => this.deadLetterCount(groupId),
      replayDeadLetters: () => this.replayDeadLetters(groupId, options.handle),
      stop: async () => {
        this.#members.delete(member);
        this.#subscriptions.delete(subscription);
        await member.stop();
        if (options.ephemeral) {
          await this.#topics
            .admin()
            .then((admin) => admin.deleteGroups([groupId]))
            .catch(() => undefined);
        }
      },
    };
    this.#subscriptions.add(subscription);
    try {
      await member.started(this.#startWaitMs);
    } catch (error) {
      await subscription.stop().catch(() => undefined);
      throw error;
    }
    return subscription;
  }

  /**
   * What keeps the bus from being ready: each subscription that has not joined its group (yet, or again after
   * a crash) with the error it is retrying. Empty when every subscription consumes.
   */
  problems(): string[] {
    return [...this.#members].flatMap((m) => (m.problem ? [m.problem] : []));
  }

  async #eachMessage(
    groupId: string,
    options: SubscribeOptions,
    { topic, partition, message }: EachMessagePayload,
  ) {
    const where = { topic, partition, offset: message.offset };
    let outcome: Awaited<ReturnType<typeof deliver>>;
    try {
      outcome = await deliver(
        options.handle,
        fromKafkaMessage(message),
        where,
        { ...options, groupId },
        undefined,
        {
          headers: message.headers,
        },
      );
    } catch (error) {
      outcome = { ok: false, error: describeError(error), attempts: 1 }; // not a CloudEvent: poison as is
    }
    if (outcome.ok) return;
    this.#log.warn({ groupId, ...where, error: outcome.error }, "event sent to the dead letters");
    // Throws if the broker is down: then the offset stays, and the message is delivered again (after kafkajs'
    // retries the consumer crashes and its supervisor starts it again from the committed offset).
    await sendDeadLetter(await this.#deadLetterProducer(), this.#topics, {
      groupId,
      topic,
      partition,
      message,
      error: outcome.error,
      attempts: outcome.attempts,
    });
  }

  subscriptions(): readonly Subscription[] {
    return [...this.#subscriptions];
  }

  async deadLetterCount(groupId: string): Promise<number> {
    const range = await deadLetterRange(this.#topics, groupId);
    return Math.max(0, range.end - range.from);
  }

  async deadLetters(groupId: string) {
    const range = await deadLetterRange(this.#topics, groupId);
    const letters: ReturnType<typeof toDeadLetter>[] = [];
    await readDeadLetters(this.#kafka, this.#topics, groupId, range, async (m) => {
      letters.push(toDeadLetter(m));
      return true;
    });
    return letters;
  }

  async replayDeadLetters(groupId: string, handle: EventHandler) {
    const range = await deadLetterRange(this.#topics, groupId);
    let replayed = 0;
    const stoppedAt = await readDeadLetters(this.#kafka, this.#topics, groupId, range, async (m) => {
      const letter = toDeadLetter(m);
      const outcome = await deliver(
        handle,
        letter.event,
        { topic: letter.topic, offset: letter.offset, partition: letter.partition ?? 0 },
        { maxAttempts: 1 },
      );
      if (!outcome.ok) return false;
      // Commit past this letter under the replay group, so that it is never replayed again.
      await this.#topics.use((admin) =>
        admin.setOffsets({
          groupId: replayGroupOf(groupId),
          topic: deadLetterTopic(groupId),
          partitions: [{ partition: 0, offset: String(Number(m.offset) + 1) }],
        }),
      );
      replayed++;
      return true;
    });
    return { replayed, remaining: range.end - stoppedAt };
  }

  #deadLetterProducer(): Promise<Producer> {
    if (!this.#producer) {
      const producer = this.#kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      const connecting = producer.connect().then(() => producer);
      this.#producer = connecting;
      connecting.catch(() => {
        // The next dead letter connects again.
        if (this.#producer === connecting) this.#producer = undefined;
      });
    }
    return this.#producer;
  }

  async close(): Promise<void> {
    const members = [...this.#members];
    this.#members.clear();
    this.#subscriptions.clear();
    await Promise.all(members.map((m) => m.stop()));
    const producer = this.#producer;
    this.#producer = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }
}

interface Backoff {
  initialMs: number;
  maxMs: number;
}

interface ConsumerDeps {
  kafka: Kafka;
  topics: TopicAdmin;
  log: MessagingLogger;
  eachMessage: (payload: EachMessagePayload) => Promise<void>;
  backoff: Backoff;
  onFatal: ((error: KafkaConfigurationError) => void) | undefined;
}

/**
 * One subscription's consumer, kept running: creates the topics, connects, subscribes and runs a kafkajs
 * consumer; when any step fails or the consumer crashes (kafkajs gives up after its own retries), it waits and
 * starts a fresh consumer from the group's committed offsets. Stops only on `stop()` or a fatal error.
 */
class SupervisedConsumer {
  readonly groupId: string;
  readonly #options: SubscribeOptions;
  readonly #deps: ConsumerDeps;
  readonly #stopping = new AbortController();
  #consumer: Consumer | undefined;
  #state: "starting" | "running" | "retrying" | "failed" | "stopped" = "starting";
  #lastError: string | undefined;
  #first: { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void };
  readonly #loop: Promise<void>;

  constructor(groupId: string, options: SubscribeOptions, deps: ConsumerDeps) {
    this.groupId = groupId;
    this.#options = options;
    this.#deps = deps;
    this.#first = Promise.withResolvers<void>();
    this.#first.promise.catch(() => undefined);
    this.#loop = this.#supervise();
  }

  /** Why this subscription does not consume right now; undefined while it does. */
  get problem(): string | undefined {
    if (this.#state === "running" || this.#state === "stopped") return undefined;
    const why = this.#lastError ? `: ${this.#lastError}` : "";
    const what =
      this.#state === "starting" ? "joining" : this.#state === "failed" ? "stopped" : "reconnecting";
    return `consumer group ${this.groupId} ${what}${why}`;
  }

  /** Resolves once joined, or once the first attempt failed retriably, or after `waitMs`; rejects when fatal. */
  async started(waitMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#first.promise,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, waitMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  async stop(): Promise<void> {
    if (this.#state === "stopped") return this.#loop;
    this.#state = "stopped";
    this.#stopping.abort();
    await this.#consumer?.disconnect().catch(() => undefined);
    await this.#loop;
  }

  async #supervise(): Promise<void> {
    const { log, backoff } = this.#deps;
    const signal = this.#stopping.signal;
    let wait = 0;
    while (!signal.aborted) {
      try {
        const crashed = await this.#runOnce();
        if (signal.aborted) break;
        throw crashed;
      } catch (error) {
        await this.#consumer?.disconnect().catch(() => undefined);
        this.#consumer = undefined;
        if (signal.aborted) break;
        this.#lastError = describeKafkaError(error);
        if (isFatalKafkaError(error)) {
          const fatal =
            error instanceof KafkaConfigurationError
              ? error
              : new KafkaConfigurationError(`subscribing ${this.groupId}`, error);
          this.#state = "failed";
          this.#lastError = fatal.message;
          log.error({ groupId: this.groupId, error: fatal.message }, "subscription stopped for good");
          this.#first.reject(fatal);
          this.#deps.onFatal?.(fatal);
          return;
        }
        this.#state = "retrying";
        this.#first.resolve();
        wait = Math.min(wait === 0 ? backoff.initialMs : wait * 2, backoff.maxMs);
        log.warn(
          { groupId: this.groupId, error: this.#lastError, retryInMs: wait },
          "consumer not running; starting it again",
        );
        await sleep(wait, undefined, { signal }).catch(() => undefined);
      }
    }
    this.#first.resolve();
  }

  /**
   * One consumer's life: resolves with the error that crashed it for good (kafkajs does not restart it: the
   * supervisor does), or with undefined when stopped. Throws when a start-up step fails.
   */
  async #runOnce(): Promise<unknown> {
    const { kafka, topics } = this.#deps;
    const signal = this.#stopping.signal;
    await topics.ensure(this.#options.topics);
    if (signal.aborted) return undefined;
    const consumer = kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 1000,
      // Restarts are the supervisor's: a fresh consumer with its own back-off, whatever the error.
      retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5000, restartOnFailure: async () => false },
    });
    this.#consumer = consumer;
    const crashed = Promise.withResolvers<unknown>();
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.#state !== "stopped") this.#state = "retrying";
      this.#lastError = describeKafkaError(payload.error);
      if (!payload.restart) crashed.resolve(payload.error);
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.#state === "stopped") return;
      if (this.#state !== "running" && this.#state !== "starting") {
        this.#deps.log.info({ groupId: this.groupId }, "consumer running again");
      }
      this.#state = "running";
      this.#lastError = undefined;
      this.#first.resolve();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.#options.topics], fromBeginning: true });
    if (signal.aborted) return undefined;
    await consumer.run({
      partitionsConsumedConcurrently: 8,
      autoCommitInterval: 500,
      eachMessage: this.#deps.eachMessage,
    });
    // Runs until it crashes for good or is stopped; the abort listener lives exactly as long as this consumer.
    const onAbort = () => crashed.resolve(undefined);
    if (signal.aborted) return undefined;
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      return await crashed.promise;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }
}
