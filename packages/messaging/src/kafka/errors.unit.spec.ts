import * as kafkajs from "kafkajs";
import { describe, expect, it } from "vitest";
import { describeKafkaError, isFatalKafkaError, isRetriableKafkaError } from "./errors.ts";

// The error classes as kafkajs constructs them at run time (its typings leave some out or narrow them).
type ErrorClass = new (...args: unknown[]) => Error;
const {
  KafkaJSAggregateError,
  KafkaJSConnectionError,
  KafkaJSCreateTopicError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
} = kafkajs as unknown as Record<
  | "KafkaJSAggregateError"
  | "KafkaJSConnectionError"
  | "KafkaJSCreateTopicError"
  | "KafkaJSNumberOfRetriesExceeded"
  | "KafkaJSProtocolError"
  | "KafkaJSSASLAuthenticationError",
  ErrorClass
>;

/** A broker's answer as kafkajs turns it into an error (type, code, its own retriable flag). */
const protocol = (type: string, retriable: boolean) =>
  new KafkaJSProtocolError({ type, code: 0, retriable, message: `broker says ${type}` });

describe("which Kafka errors stop a service", () => {
  it("waits out the broker being down, restarting, electing leaders or not serving a new topic yet", () => {
    // The error that once killed credit at start-up (admin.createTopics → retryOnLeaderNotAvailable).
    expect(isRetriableKafkaError(protocol("UNKNOWN_TOPIC_OR_PARTITION", true))).toBe(true);
    expect(isRetriableKafkaError(protocol("LEADER_NOT_AVAILABLE", true))).toBe(true);
    expect(isRetriableKafkaError(new KafkaJSConnectionError("connect ECONNREFUSED"))).toBe(true);
    // kafkajs marks "gave up after its retries" non-retriable; its cause was retriable, so the platform goes on.
    const gaveUp = new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError("connect ECONNREFUSED"), {
      retryCount: 8,
      retryTime: 5000,
    });
    expect(isRetriableKafkaError(gaveUp)).toBe(true);
    expect(describeKafkaError(gaveUp)).toMatch(
      /KafkaJSNumberOfRetriesExceeded.*cause KafkaJSConnectionError/,
    );
    // Group membership churn during a restart is not fatal either.
    expect(isRetriableKafkaError(protocol("REBALANCE_IN_PROGRESS", false))).toBe(true);
  });

  it("stops on bad credentials, missing permissions and settings the cluster refuses", () => {
    expect(isFatalKafkaError(new KafkaJSSASLAuthenticationError("bad password"))).toBe(true);
    expect(isFatalKafkaError(protocol("TOPIC_AUTHORIZATION_FAILED", false))).toBe(true);
    // createTopics with a replication factor above the number of brokers: an aggregate of per-topic errors.
    const tooManyReplicas = new KafkaJSAggregateError("Topic creation errors", [
      new KafkaJSCreateTopicError(protocol("INVALID_REPLICATION_FACTOR", false), "gov.credit.subject.v1"),
    ]);
    expect(isFatalKafkaError(tooManyReplicas)).toBe(true);
  });
});
