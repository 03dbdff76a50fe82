// k8s/base/platform/: what every service shares — a Strimzi KafkaTopic for every topic the contracts declare
// (and every durable consumer group's dead-letter topic), and the CloudNativePG cluster holding the event store.
// There are no Strimzi or CloudNativePG model packages on npm: these objects are checked against the zod schemas
// below, which cover only the fields used here (strict: any other field fails).
import { allTopics } from "@gov/contracts";
import { deadLetterTopic } from "@gov/messaging";
import { z } from "zod";
import { durableConsumerGroups } from "../consumer-groups.ts";

export const KAFKA_CLUSTER = "gov-kafka";
export const POSTGRES_CLUSTER = "gov-event-store";

const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)
  .max(253);
const labels = z.record(z.string(), z.string());
const metadata = z.strictObject({ name, namespace: z.string().optional(), labels: labels.optional() });

/** Strimzi `kafka.strimzi.io/v1beta2` KafkaTopic: the fields used (topic name, partitions, replicas, config). */
export const kafkaTopicSchema = z.strictObject({
  apiVersion: z.literal("kafka.strimzi.io/v1beta2"),
  kind: z.literal("KafkaTopic"),
  metadata: metadata.extend({
    labels: labels.refine((l) => Boolean(l["strimzi.io/cluster"]), "strimzi.io/cluster"),
  }),
  spec: z.strictObject({
    topicName: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/),
    partitions: z.int().min(1),
    replicas: z.int().min(1).max(32767),
    config: z.strictObject({
      "retention.ms": z.string().regex(/^-?\d+$/),
      "cleanup.policy": z.enum(["delete", "compact", "compact,delete"]),
      "min.insync.replicas": z.string().regex(/^\d+$/).optional(),
    }),
  }),
});

/** CloudNativePG `postgresql.cnpg.io/v1` Cluster: the fields used. */
export const cnpgClusterSchema = z.strictObject({
  apiVersion: z.literal("postgresql.cnpg.io/v1"),
  kind: z.literal("Cluster"),
  metadata,
  spec: z.strictObject({
    instances: z.int().min(1),
    imageName: z.string().min(1),
    storage: z.strictObject({ size: z.string().regex(/^\d+(Mi|Gi|Ti)$/) }),
    bootstrap: z.strictObject({ initdb: z.strictObject({ database: z.string(), owner: z.string() }) }),
    resources: z
      .strictObject({
        requests: z.strictObject({ cpu: z.string(), memory: z.string() }),
        limits: z.strictObject({ cpu: z.string(), memory: z.string() }).optional(),
      })
      .optional(),
    backup: z
      .strictObject({
        retentionPolicy: z.string().regex(/^\d+[dwm]$/),
        barmanObjectStore: z.strictObject({
          destinationPath: z.string(),
          s3Credentials: z.strictObject({
            accessKeyId: z.strictObject({ name: z.string(), key: z.string() }),
            secretAccessKey: z.strictObject({ name: z.string(), key: z.string() }),
          }),
        }),
      })
      .optional(),
  }),
});

/** `gov.matters.matter.v1` → `gov-matters-matter-v1` (the object name; spec.topicName keeps the real one). */
export const topicObjectName = (topic: string) => topic.replaceAll(".", "-");

function kafkaTopic(topic: string, partitions: number) {
  return kafkaTopicSchema.parse({
    apiVersion: "kafka.strimzi.io/v1beta2",
    kind: "KafkaTopic",
    metadata: { name: topicObjectName(topic), labels: { "strimzi.io/cluster": KAFKA_CLUSTER } },
    spec: {
      topicName: topic,
      partitions,
      replicas: 3,
      // Domain events are the record (docs/messaging.md): kept for ever, never compacted away.
      config: { "retention.ms": "-1", "cleanup.policy": "delete", "min.insync.replicas": "2" },
    },
  });
}

/** Every topic the contracts declare, then the dead-letter topic of every durable group (one partition: in order). */
export function kafkaTopics(partitions: number) {
  const deadLetters = Object.values(durableConsumerGroups)
    .flat()
    .map((g) => deadLetterTopic(g.group));
  return [...allTopics.map((t) => kafkaTopic(t, partitions)), ...deadLetters.map((t) => kafkaTopic(t, 1))];
}

export function eventStoreCluster() {
  return cnpgClusterSchema.parse({
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Cluster",
    metadata: { name: POSTGRES_CLUSTER },
    spec: {
      instances: 3,
      imageName: "ghcr.io/cloudnative-pg/postgresql:17",
      storage: { size: "20Gi" },
      // CloudNativePG writes the secret gov-event-store-app (key `uri`) that the services' DATABASE_URL reads.
      bootstrap: { initdb: { database: "app", owner: "app" } },
      resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
    },
  });
}
