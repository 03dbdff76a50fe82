// Where each configuration variable gets its value when a service is deployed: the compose file and the
// Kubernetes manifests are generated from this one table, and the tests check it against every service's zod
// configuration schema (a variable the schema requires without a value here fails them).
import type { ShippedService } from "./services.ts";

export type Source =
  /** A plain setting: compose sets it, Kubernetes puts it in the service's ConfigMap. */
  | { kind: "config"; value: string }
  /** A secret: compose takes it from the caller's environment (.env), Kubernetes from a Secret key. */
  | { kind: "secret"; secret: string; key: string }
  /** Deliberately left to the schema's default or absent, and why. */
  | { kind: "unset"; why: string };

const platformSecret = (key: string): Source => ({ kind: "secret", secret: "gov-platform-secrets", key });

/**
 * Tracing (docs/operations.md, "Tracing"): off as deployed (`none`); an overlay switches it on with
 * OTEL_TRACES_EXPORTER=otlp and the collector's OTEL_EXPORTER_OTLP_ENDPOINT. Every process gets these, the
 * gateway too. OTEL_SERVICE_NAME is set per service in `sourcesFor`.
 */
function tracingSources() {
  return {
    OTEL_TRACES_EXPORTER: { kind: "config", value: "none" },
    OTEL_EXPORTER_OTLP_ENDPOINT: {
      kind: "unset",
      why: "tracing is off (OTEL_TRACES_EXPORTER=none); set the collector's URL with otlp",
    },
    OTEL_EXPORTER_OTLP_PROTOCOL: { kind: "unset", why: "the SDK's default, http/protobuf" },
    OTEL_TRACES_SAMPLER: {
      kind: "unset",
      why: "the SDK's default: every trace, following the parent's decision",
    },
    OTEL_TRACES_SAMPLER_ARG: { kind: "unset", why: "only for a ratio sampler" },
  } satisfies Record<string, Source>;
}

/** The value every runtime service gets. */
const runtimeSources = {
  NODE_ENV: { kind: "config", value: "production" },
  PORT: { kind: "config", value: "8080" },
  HOST: { kind: "config", value: "0.0.0.0" },
  LOG_LEVEL: { kind: "config", value: "info" },
  EVENT_STORE: { kind: "config", value: "postgres" },
  EVENT_BUS: { kind: "config", value: "kafka" },
  KAFKA_PARTITIONS: { kind: "config", value: "3" },
  KAFKA_CLIENT: { kind: "config", value: "platformatic" },
  RELAY: { kind: "config", value: "on" },
  DEMO_DATA: { kind: "config", value: "false" },
  CLOCK: { kind: "config", value: "system" },
  CLOCK_OFFSET_MS: { kind: "unset", why: "tests only, with CLOCK=adjustable; production refuses it" },
  DATABASE_URL: { kind: "secret", secret: "gov-event-store-app", key: "uri" },
  AUTH_JWT_SECRET: platformSecret("AUTH_JWT_SECRET"),
  PII_INDEX_KEY: platformSecret("PII_INDEX_KEY"),
  PII_MASTER_KEY: platformSecret("PII_MASTER_KEY"),
  ESDB_CONNECTION_STRING: { kind: "unset", why: "EVENT_STORE=postgres" },
  DATA_DIR: { kind: "unset", why: "SQLite only; EVENT_STORE=postgres" },
  AUTH_JWKS_URL: { kind: "unset", why: "tokens are checked with AUTH_JWT_SECRET (set one or the other)" },
  ...tracingSources(),
} satisfies Record<string, Source>;

/** Where the approval service's seal keyring volume is mounted (compose volume, Kubernetes PVC). */
export const SEAL_KEYRING_MOUNT = "/var/lib/gov/seal-keys";

/** The persistent volumes a service keeps files on, by service (everything else is in PostgreSQL). */
export const persistentVolumes: Record<string, { name: string; mountPath: string; size: string }[]> = {
  approval: [{ name: "seal-keys", mountPath: SEAL_KEYRING_MOUNT, size: "64Mi" }],
};

/** Per-environment values: compose (one Docker host) and Kubernetes (DNS names of the cluster's services). */
export interface Topology {
  kafkaBrokers: string;
  replicationFactor: string;
  /** The base URL of a service as the gateway reaches it. */
  serviceUrl(name: string): string;
}

export const composeTopology: Topology = {
  kafkaBrokers: "kafka:9092",
  replicationFactor: "1",
  serviceUrl: (name) => `http://${name}:8080`,
};

export const kubernetesTopology: Topology = {
  kafkaBrokers: "gov-kafka-kafka-bootstrap:9092",
  replicationFactor: "3",
  serviceUrl: (name) => `http://${name}:8080`,
};

/**
 * The source of each variable `service` may read (its schema's names are checked against this by the tests;
 * a name missing here is reported, not guessed).
 */
export function sourcesFor(
  service: ShippedService,
  all: readonly ShippedService[],
  topology: Topology,
): Record<string, Source> {
  const common: typeof runtimeSources & Record<string, Source> = {
    ...runtimeSources,
    KAFKA_BROKERS: { kind: "config", value: topology.kafkaBrokers } as Source,
    KAFKA_REPLICATION_FACTOR: { kind: "config", value: topology.replicationFactor } as Source,
  };
  if (service.kind === "gateway") {
    const upstreams = all
      .filter((s) => s.kind === "service")
      .map((s) => `${s.name}=${topology.serviceUrl(s.name)}`)
      .join(",");
    return {
      NODE_ENV: common.NODE_ENV,
      PORT: common.PORT,
      HOST: common.HOST,
      LOG_LEVEL: common.LOG_LEVEL,
      UPSTREAMS: { kind: "config", value: upstreams },
      // The gateway checks a token itself only for a body over the limit (docs/distributed.md).
      AUTH_JWT_SECRET: common.AUTH_JWT_SECRET,
      AUTH_JWKS_URL: common.AUTH_JWKS_URL,
      ...tracingSources(),
      OTEL_SERVICE_NAME: { kind: "config", value: service.name },
    };
  }
  const own: Record<string, Source> =
    service.name === "approval"
      ? {
          // The departments' seal keys live on a persistent volume, never in the event store (docs/seal.md).
          SEAL_KEYRING_DIR: { kind: "config", value: SEAL_KEYRING_MOUNT },
          SEAL_KEYRING_PASSPHRASE: platformSecret("SEAL_KEYRING_PASSPHRASE"),
        }
      : service.name === "review-and-monitor"
        ? {
            REVIEW_YELLOW_DAYS: {
              kind: "unset",
              why: "the default, 2 working days, unless a province sets another",
            },
            REVIEW_SAMPLING_SEED: platformSecret("REVIEW_SAMPLING_SEED"),
          }
        : {};
  return {
    ...common,
    OTEL_SERVICE_NAME: { kind: "config", value: service.name },
    ...own,
    // Only the audit service signs checkpoints and export bundles; the others read the variable and ignore it.
    AUDIT_SIGNING_KEY:
      service.name === "audit"
        ? platformSecret("AUDIT_SIGNING_KEY")
        : { kind: "unset", why: "only the audit service signs (checkpoints and export bundles)" },
  };
}
