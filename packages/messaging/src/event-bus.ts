import type { RecordedEvent } from "@gov/eventsourcing";

/**
 * An event as it travels between services: the whole envelope (CloudEvents attributes and this platform's
 * extensions, hash chain included) without the store-specific global position.
 */
export type BusEvent = Omit<RecordedEvent, "position"> & { position?: string };

/** Where a delivered event came from, for logs, dead letters and tests. */
export interface Delivery {
  /** The topic (`gov.<service>.<category>.v1`); the embedded bus reports the topic the event would have. */
  topic: string;
  /** Kafka partition; absent on the embedded bus. */
  partition?: number;
  /** Kafka offset, or the store's log position on the embedded bus. */
  offset: string;
  /** 1 for the first try of this delivery, 2 for the first retry, … */
  attempt: number;
}

/**
 * Handles one event. Delivery is at least once: the handler must make a repeat harmless, either by committing
 * its writes together with the event id (see `sqliteInbox`) or by appending with event ids
 * derived from the input's id (`handleCommand` with `ids: { causationEventId }`).
 */
export type EventHandler = (event: BusEvent, delivery: Delivery) => Promise<void> | void;

export interface RetryPolicy {
  /** Tries per event before it goes to the dead letters (default 5). */
  maxAttempts?: number;
  /** First back-off (default 100 ms), doubled each retry up to `maxBackoffMs` (default 2000 ms). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface SubscribeOptions extends RetryPolicy {
  /** The consumer group: every group gets every event once; members of one group share the partitions. */
  groupId: string;
  /** Topics to follow, e.g. `["gov.matters.matter.v1"]`. */
  topics: readonly string[];
  handle: EventHandler;
  /**
   * For a read model kept in memory: no durable position, every start reads the topics from the beginning
   * (Kafka: a fresh group per start, deleted on stop; topics keep every event). Default false.
   */
  ephemeral?: boolean;
}

export interface Subscription {
  readonly groupId: string;
  /** A group for this start only (`SubscribeOptions.ephemeral`): it keeps no position and no dead letters worth replaying. */
  readonly ephemeral: boolean;
  /** Events published but not yet handled by this group (the consumer lag). */
  lag(): Promise<number>;
  /** Stops after the event in hand: its offset is committed only if it was handled. */
  stop(): Promise<void>;
  /** The group's dead letters still waiting for a replay, oldest first. */
  deadLetters(): Promise<DeadLetter[]>;
  /** How many dead letters wait, read from offsets or positions only (cheap enough for a gauge). */
  deadLetterCount(): Promise<number>;
  /**
   * Hands the group's dead letters to this subscription's own handler again (after a fix, or once what the handler
   * waited for has arrived), as `EventBus.replayDeadLetters` does.
   */
  replayDeadLetters(): Promise<{ replayed: number; remaining: number }>;
}

/** An event that failed every try, kept with the error so that it can be replayed after a fix. */
export interface DeadLetter {
  event: BusEvent;
  groupId: string;
  topic: string;
  offset: string;
  partition?: number;
  error: string;
  attempts: number;
}

/** The subscribing side of the bus: Kafka in distributed mode, the store's own log in embedded mode. */
export interface EventBus {
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Hands the group's dead letters to `handle` again, oldest first, and forgets each one it handles. Stops at
   * the first that fails again (it stays a dead letter). Returns how many were replayed and how many remain.
   */
  replayDeadLetters(groupId: string, handle: EventHandler): Promise<{ replayed: number; remaining: number }>;
  /** The subscriptions running now (for the lag metric and readiness). */
  subscriptions(): readonly Subscription[];
  /** The group's dead letters still waiting for a replay. */
  deadLetters(groupId: string): Promise<DeadLetter[]>;
  /** How many of the group's dead letters wait, from offsets or positions only. */
  deadLetterCount(groupId: string): Promise<number>;
  close(): Promise<void>;
}

/** The publishing side, used by the relay: resolves once the broker has acknowledged every event. */
export interface EventPublisher {
  publish(events: readonly BusEvent[]): Promise<void>;
  close(): Promise<void>;
}
