import { kafkaClients } from "@gov/messaging";
import { z } from "zod";

/** What a service process needs besides the service kit's own settings (all from environment variables). */
export const runtimeConfig = {
  /** Which event store adapter: an SQLite file, PostgreSQL, or EventStoreDB. */
  EVENT_STORE: z.enum(["sqlite", "postgres", "esdb"]).default("sqlite"),
  /** SQLite: folder of the store file `platform.db`. */
  DATA_DIR: z.string().min(1).default(".data"),
  /** PostgreSQL: a connection URL; without it pg's standard PG* variables apply. */
  DATABASE_URL: z.string().min(1).optional(),
  /** PostgreSQL: the schema holding the store's tables (one store that every service shares). */
  EVENT_STORE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default("event_store"),
  /** EventStoreDB: `esdb://host:2113?tls=false`. */
  ESDB_CONNECTION_STRING: z.string().min(1).optional(),
  /** `kafka` needs KAFKA_BROKERS; `embedded` delivers from the store's log (one process, or one SQLite file). */
  EVENT_BUS: z.enum(["kafka", "embedded"]).optional(),
  KAFKA_BROKERS: z.string().min(1).optional(),
  /**
   * The Kafka client library under the bus and the relay: `kafkajs` when unset, or `platformatic`
   * (@platformatic/kafka; docs/messaging.md, "Kafka client"). Both write the same topics, headers, keys and
   * partitions, so services may differ during a switch. Optional rather than defaulted here so that settings
   * built in code need not name it; `connectKafkaClient` applies the default.
   */
  KAFKA_CLIENT: z.enum(kafkaClients).optional(),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).default(3),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  /** Run this service's relay (its own stream categories → Kafka). Replicas share it through a lease. */
  RELAY: z.enum(["on", "off"]).default("on"),
  RELAY_LEASE_TTL_MS: z.coerce.number().int().min(500).default(10_000),
  /**
   * PII index key (64 hex characters or base64 of 32 bytes): every service derives the same subject pseudonym
   * from the same 身份证号 with it. Required in production; a fixed development key otherwise.
   */
  PII_INDEX_KEY: z.string().min(1).optional(),
  /** Wraps the per-subject data keys in a service's key vault. Required in production, as above. */
  PII_MASTER_KEY: z.string().min(1).optional(),
  /** `adjustable`: tests may move this process's clock with `PUT /<service>/_clock` (refused in production). */
  CLOCK: z.enum(["system", "adjustable"]).default("system"),
  /**
   * Month-day (MM-DD) from which readiness warns, and the `calendar_next_year_missing` gauge reads 1, while next
   * year's working-day calendar is not published (docs/calendar.md).
   */
  CALENDAR_WARN_FROM: z
    .string()
    .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "a month-day MM-DD, e.g. 11-01")
    .default("11-01"),
  /** Load the module's demo data on start (idempotent; `./scripts/stack` turns it on). */
  DEMO_DATA: z.enum(["true", "false"]).default("false"),
};

export type RuntimeSettings = z.infer<z.ZodObject<typeof runtimeConfig>>;

/** Cross-field rules, as messages naming the variable at fault. */
export function runtimeProblems(
  c: RuntimeSettings & { NODE_ENV?: string },
): { variable: string; message: string }[] {
  const problems: { variable: string; message: string }[] = [];
  if (c.CLOCK === "adjustable" && c.NODE_ENV === "production") {
    problems.push({ variable: "CLOCK", message: "an adjustable clock is for tests, never in production" });
  }
  if (c.EVENT_STORE === "esdb" && !c.ESDB_CONNECTION_STRING) {
    problems.push({ variable: "ESDB_CONNECTION_STRING", message: "required when EVENT_STORE=esdb" });
  }
  if (c.EVENT_BUS === "kafka" && !c.KAFKA_BROKERS) {
    problems.push({ variable: "KAFKA_BROKERS", message: "required when EVENT_BUS=kafka" });
  }
  return problems;
}
