/**
 * Which Kafka errors are worth waiting out. A broker that is down, restarting, electing a leader or not yet
 * serving a topic it just created answers with errors that go away by themselves (kafkajs marks most of them
 * `retriable`, but gives up after its own few retries and then throws `KafkaJSNumberOfRetriesExceeded`, which
 * it marks non-retriable). Those are retried by the platform for as long as it takes, with the service
 * reported not ready meanwhile. Only errors that no wait can fix — bad credentials, missing permissions, a
 * configuration the cluster refuses (e.g. a replication factor above the number of brokers) — stop a service.
 */

/** Protocol error types no retry can fix: authentication, authorization, and settings the cluster refuses. */
const FATAL_TYPES = new Set([
  "SASL_AUTHENTICATION_FAILED",
  "UNSUPPORTED_SASL_MECHANISM",
  "ILLEGAL_SASL_STATE",
  "TOPIC_AUTHORIZATION_FAILED",
  "GROUP_AUTHORIZATION_FAILED",
  "CLUSTER_AUTHORIZATION_FAILED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
  "DELEGATION_TOKEN_AUTHORIZATION_FAILED",
  "INVALID_REPLICATION_FACTOR",
  "INVALID_PARTITIONS",
  "INVALID_CONFIG",
  "INVALID_TOPIC_EXCEPTION",
  "INVALID_REQUIRED_ACKS",
  "POLICY_VIOLATION",
  "UNSUPPORTED_VERSION",
]);

/** kafkajs errors (by class name) that no retry can fix. */
const FATAL_NAMES = new Set(["KafkaJSSASLAuthenticationError", "KafkaJSServerDoesNotSupportApiKey"]);

interface KafkaLikeError {
  name?: string;
  type?: string;
  message?: string;
  cause?: unknown;
  errors?: unknown[];
}

/** The error and its causes (kafkajs wraps the broker's answer in `cause`, several in `errors`). */
function* chain(error: unknown, depth = 0): Generator<KafkaLikeError> {
  if (!error || typeof error !== "object" || depth > 8) return;
  const e = error as KafkaLikeError;
  yield e;
  if (e.cause) yield* chain(e.cause, depth + 1);
  for (const inner of e.errors ?? []) yield* chain(inner, depth + 1);
}

/** True when the error says the configuration or the credentials are wrong: waiting will not help. */
export function isFatalKafkaError(error: unknown): boolean {
  for (const e of chain(error)) {
    if (e.name && FATAL_NAMES.has(e.name)) return true;
    if (e.type && FATAL_TYPES.has(e.type)) return true;
  }
  return false;
}

/** Everything else is retried: the broker being down, restarting, electing leaders, or slow to serve a topic. */
export const isRetriableKafkaError = (error: unknown): boolean => !isFatalKafkaError(error);

/** A short description for logs and readiness: the error and its innermost cause (no message bodies). */
export function describeKafkaError(error: unknown): string {
  const all = [...chain(error)];
  const first = all[0];
  if (!first) return String(error);
  const root = all.at(-1);
  const own = `${first.name ?? "Error"}: ${first.message ?? ""}`;
  return root && root !== first ? `${own} (cause ${root.name ?? "Error"}: ${root.message ?? ""})` : own;
}

/** A Kafka error that stops the service (see `isFatalKafkaError`), with a message saying what to fix. */
export class KafkaConfigurationError extends Error {
  constructor(what: string, cause: unknown) {
    super(
      `${what}: the Kafka cluster refused it for good (${describeKafkaError(cause)}); check KAFKA_BROKERS, ` +
        "the credentials and KAFKA_REPLICATION_FACTOR / KAFKA_PARTITIONS against the cluster",
      { cause },
    );
    this.name = "KafkaConfigurationError";
  }
}
