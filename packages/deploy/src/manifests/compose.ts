// infra/docker-compose.yml, generated from services/* and the deployment environment table: Kafka (KRaft),
// PostgreSQL, every service built from the one Dockerfile, and the gateway in front.
import { stringify } from "yaml";
import { composeTopology, persistentVolumes, type Source, sourcesFor } from "../environment.ts";
import { CONTAINER_PORT, type ShippedService } from "../services.ts";

export const KAFKA_IMAGE = "apache/kafka:3.9.1";
export const POSTGRES_IMAGE = "postgres:17";
export const DOCKERFILE = "infra/docker/Dockerfile";

/** A readiness probe run inside the container (node:24-slim has no curl): exit 0 on 200. */
export function httpCheck(path: string): string[] {
  return [
    "CMD",
    "node",
    "-e",
    `fetch('http://127.0.0.1:${CONTAINER_PORT}${path}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
  ];
}

/** `${NAME:?…}`: compose refuses to start while the variable is unset or empty. */
const requiredVariable = (name: string, hint = "in infra/.env (docs/operations.md)") =>
  `\${${name}:?set ${name} ${hint}}`;

function composeValue(name: string, source: Source): string | undefined {
  switch (source.kind) {
    case "config":
      return source.value;
    case "secret":
      // The event store's URL is built from the compose PostgreSQL; every other secret comes from infra/.env.
      if (name === "DATABASE_URL") {
        return `postgres://postgres:${requiredVariable("POSTGRES_PASSWORD")}@postgres:5432/postgres`;
      }
      return requiredVariable(source.key);
    case "unset":
      return undefined;
    default: {
      const never: never = source;
      throw new Error(`unknown source ${JSON.stringify(never)}`);
    }
  }
}

export function environmentFor(
  service: ShippedService,
  all: readonly ShippedService[],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, source] of Object.entries(sourcesFor(service, all, composeTopology))) {
    const value = composeValue(name, source);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export function composeFile(services: readonly ShippedService[]): string {
  const runtime = services.filter((s) => s.kind === "service");
  const doc: Record<string, unknown> = {
    name: "gov-platform",
    services: {
      kafka: {
        image: KAFKA_IMAGE,
        environment: {
          KAFKA_NODE_ID: "1",
          KAFKA_PROCESS_ROLES: "broker,controller",
          KAFKA_LISTENERS: "PLAINTEXT://:9092,CONTROLLER://:9093",
          KAFKA_ADVERTISED_LISTENERS: "PLAINTEXT://kafka:9092",
          KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
          KAFKA_CONTROLLER_QUORUM_VOTERS: "1@kafka:9093",
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
          // The services create their topics (kept for ever) themselves.
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
        },
        volumes: ["kafka-data:/var/lib/kafka/data"],
        healthcheck: {
          test: [
            "CMD-SHELL",
            "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 >/dev/null 2>&1",
          ],
          interval: "10s",
          timeout: "10s",
          retries: 12,
          start_period: "30s",
        },
      },
      postgres: {
        image: POSTGRES_IMAGE,
        environment: { POSTGRES_PASSWORD: requiredVariable("POSTGRES_PASSWORD") },
        volumes: ["postgres-data:/var/lib/postgresql/data"],
        healthcheck: {
          test: ["CMD-SHELL", "pg_isready -U postgres"],
          interval: "5s",
          timeout: "5s",
          retries: 12,
        },
      },
    },
    volumes: { "kafka-data": {}, "postgres-data": {} },
  };
  const composeServices = doc.services as Record<string, unknown>;
  const namedVolumes = doc.volumes as Record<string, unknown>;
  for (const service of services) {
    for (const v of persistentVolumes[service.name] ?? []) namedVolumes[`${service.name}-${v.name}`] = {};
  }
  for (const service of services) {
    const gateway = service.kind === "gateway";
    composeServices[service.name] = {
      build: { context: "..", dockerfile: DOCKERFILE, args: { SERVICE: service.name } },
      image: `gov-platform/${service.name}:local`,
      environment: environmentFor(service, services),
      read_only: true,
      tmpfs: ["/tmp"],
      ...(persistentVolumes[service.name]
        ? { volumes: persistentVolumes[service.name]?.map((v) => `${service.name}-${v.name}:${v.mountPath}`) }
        : {}),
      cap_drop: ["ALL"],
      security_opt: ["no-new-privileges:true"],
      stop_signal: "SIGTERM",
      stop_grace_period: "15s",
      ...(gateway ? { ports: [`\${GATEWAY_PORT:-8080}:${CONTAINER_PORT}`] } : {}),
      healthcheck: {
        test: httpCheck("/health/ready"),
        interval: "10s",
        timeout: "3s",
        retries: 3,
        start_period: "60s",
      },
      depends_on: gateway
        ? Object.fromEntries(runtime.map((s) => [s.name, { condition: "service_healthy" }]))
        : { kafka: { condition: "service_healthy" }, postgres: { condition: "service_healthy" } },
      restart: "unless-stopped",
    };
  }
  return `# Generated by \`pnpm manifests\` (packages/deploy/src/manifests) from services/*: do not edit by hand.
# Every service and the gateway built from infra/docker/Dockerfile, Kafka (KRaft) and PostgreSQL.
#   cp infra/.env.example infra/.env   # then put real secrets in it
#   docker compose -f infra/docker-compose.yml up --build
# Not run on the machine this was written on (no container engine): see docs/operations.md.
${stringify(doc, { lineWidth: 0, defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" })}`;
}
