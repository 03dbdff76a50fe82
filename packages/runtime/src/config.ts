import { kafkaClients } from "@gov/messaging";
import { piiKeyProblem } from "@gov/pii";
import { ConfigError, DEVELOPMENT_SECRET, type KitConfig, loadConfig } from "@gov/service-kit";
import { z } from "zod";
import { DEVELOPMENT_AUDIT_KEY } from "./audit-key.ts";

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
   * The Kafka client library under the bus and the relay: `platformatic` (@platformatic/kafka) when unset, or
   * `kafkajs` (docs/messaging.md, "Kafka client": chosen by the relay figures and the crash test). Both write the same topics, headers, keys and
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
  /** The audit service's Ed25519 checkpoint signing key (PKCS#8 DER, base64). Production refuses the dev key. */
  AUDIT_SIGNING_KEY: z.string().min(1).optional(),
  /** `adjustable`: tests may move this process's clock with `PUT /<service>/_clock` (refused in production). */
  CLOCK: z.enum(["system", "adjustable"]).default("system"),
  /**
   * With CLOCK=adjustable only: milliseconds the clock runs ahead of the system clock (negative: behind) from the
   * process's start. Every process of a test given the same value reads the same chosen day, a restarted one
   * too, so that deadlines stay inside the published calendar years whatever today is (docs/calendar.md).
   */
  CLOCK_OFFSET_MS: z.coerce.number().int().optional(),
  /**
   * Month-day (MM-DD) from which readiness warns, and the `calendar_next_year_missing` gauge reads 1, while next
   * year's working-day calendar is not published (docs/calendar.md).
   */
  CALENDAR_WARN_FROM: z
    .string()
    .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "a month-day MM-DD, e.g. 11-01")
    .default("11-01"),
  /**
   * Load the module's demo data on start (idempotent; `./scripts/stack` turns it on). Off unless asked for,
   * in production too (the embedded gateway defaults it to on outside production only).
   */
  DEMO_DATA: z.enum(["true", "false"]).default("false"),
};

export type RuntimeSettings = z.infer<z.ZodObject<typeof runtimeConfig>>;

/** One variable at fault and why (what `ConfigError` lists). */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Cross-field rules, as messages naming the variable at fault. */
export function runtimeProblems(c: RuntimeSettings & { NODE_ENV?: string }): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (c.EVENT_STORE === "esdb" && !c.ESDB_CONNECTION_STRING) {
    problems.push({ variable: "ESDB_CONNECTION_STRING", message: "required when EVENT_STORE=esdb" });
  }
  if (c.EVENT_BUS === "kafka" && !c.KAFKA_BROKERS) {
    problems.push({ variable: "KAFKA_BROKERS", message: "required when EVENT_BUS=kafka" });
  }
  if (c.CLOCK_OFFSET_MS !== undefined && c.CLOCK !== "adjustable") {
    problems.push({ variable: "CLOCK_OFFSET_MS", message: "only with CLOCK=adjustable" });
  }
  return problems;
}

/** Fewest different characters an HS256 secret must have in production (a repeated character is no key). */
export const MIN_SECRET_DISTINCT_CHARACTERS = 12;

/**
 * What production refuses, read from the raw environment so that it is checked even when other variables
 * are malformed (`NODE_ENV` absent counts as production, the kit's default). The same checks for the
 * embedded gateway and every service process:
 * - `CLOCK=adjustable` (tests move it over HTTP) and `CLOCK_OFFSET_MS` (a clock set off the system's);
 * - a published development secret or key: `AUTH_JWT_SECRET` equal to the kit's `DEVELOPMENT_SECRET`, the
 *   `@gov/pii` development `PII_INDEX_KEY` / `PII_MASTER_KEY`;
 * - weak secrets: an HS256 secret under 32 bytes or with fewer than 12 different characters; a PII key that
 *   is not exactly 32 bytes or whose bytes are all the same; the same key for both PII purposes;
 * - no token key at all (neither `AUTH_JWT_SECRET` nor `AUTH_JWKS_URL`), and absent PII keys.
 */
export function productionProblems(env: Record<string, string | undefined>): ConfigProblem[] {
  if ((env.NODE_ENV ?? "production") !== "production") return [];
  const problems: ConfigProblem[] = [];
  if (env.CLOCK === "adjustable") {
    problems.push({ variable: "CLOCK", message: "an adjustable clock is for tests, never in production" });
  }
  if (env.CLOCK_OFFSET_MS !== undefined && env.CLOCK_OFFSET_MS !== "") {
    problems.push({
      variable: "CLOCK_OFFSET_MS",
      message: "a clock set off the system's is for tests, never in production",
    });
  }
  const secret = env.AUTH_JWT_SECRET;
  if (secret === undefined || secret === "") {
    if (!env.AUTH_JWKS_URL) {
      problems.push({
        variable: "AUTH_JWT_SECRET",
        message: "required in production (or set AUTH_JWKS_URL)",
      });
    }
  } else if (secret === DEVELOPMENT_SECRET) {
    problems.push({
      variable: "AUTH_JWT_SECRET",
      message: "is the published development secret; generate a secret one (e.g. openssl rand -base64 48)",
    });
  } else if (Buffer.byteLength(secret, "utf8") < 32) {
    problems.push({ variable: "AUTH_JWT_SECRET", message: "is too weak: shorter than 32 bytes" });
  } else if (new Set(secret).size < MIN_SECRET_DISTINCT_CHARACTERS) {
    problems.push({
      variable: "AUTH_JWT_SECRET",
      message: `is too weak: fewer than ${MIN_SECRET_DISTINCT_CHARACTERS} different characters`,
    });
  }
  for (const name of ["PII_INDEX_KEY", "PII_MASTER_KEY"] as const) {
    const problem = piiKeyProblem(env[name]);
    if (problem) problems.push({ variable: name, message: problem });
  }
  if (env.AUDIT_SIGNING_KEY === DEVELOPMENT_AUDIT_KEY) {
    problems.push({ variable: "AUDIT_SIGNING_KEY", message: "is the published development audit key" });
  }
  if (env.PII_INDEX_KEY && env.PII_INDEX_KEY === env.PII_MASTER_KEY) {
    problems.push({ variable: "PII_MASTER_KEY", message: "must differ from PII_INDEX_KEY" });
  }
  return problems;
}

/**
 * Reads the environment the one way every entry point does (the embedded gateway's `main` and `runService`):
 * the kit's variables and `extra`, then `more` (cross-field rules) and the production checks. Every problem is
 * named in one `ConfigError`.
 */
export function loadCheckedConfig<Extra extends z.ZodRawShape>(
  env: Record<string, string | undefined>,
  extra: Extra,
  more?: (config: KitConfig & z.infer<z.ZodObject<Extra>>) => ConfigProblem[],
): KitConfig & z.infer<z.ZodObject<Extra>> {
  const problems: ConfigProblem[] = [];
  let config: (KitConfig & z.infer<z.ZodObject<Extra>>) | undefined;
  try {
    config = loadConfig(env, extra);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (config && more) problems.push(...more(config));
  // A variable the schema already refused is named once.
  for (const p of productionProblems(env)) {
    if (!problems.some((q) => q.variable === p.variable)) problems.push(p);
  }
  if (problems.length > 0 || !config) throw new ConfigError(problems);
  return config;
}

/**
 * `load()`, or — when the configuration is refused — every problem on stderr, one a line, without a stack
 * trace, and exit code 1. For a process's `main`.
 */
export function configOrExit<T>(name: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const lines = error.problems.map((p) => `  ${p.variable}: ${p.message}`);
    process.stderr.write(`${name}: refusing to start, invalid configuration:\n${lines.join("\n")}\n`);
    process.exit(1);
  }
}
