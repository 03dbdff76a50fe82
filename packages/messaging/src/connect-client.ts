import type { EventBus, EventPublisher } from "./event-bus.ts";
import { connectKafka } from "./kafka/connect.ts";
import type { KafkaSettings } from "./kafka/kafka-client.ts";
import { connectPlatformatic } from "./platformatic/connect.ts";

/** The Kafka client library behind the bus and the relay's publisher (docs/messaging.md, "Kafka client"). */
export const kafkaClients = ["kafkajs", "platformatic"] as const;
export type KafkaClientName = (typeof kafkaClients)[number];

/** What a service process uses of a Kafka connection, whichever client runs it. */
export interface KafkaClientConnection {
  client: KafkaClientName;
  bus: EventBus;
  publisher: EventPublisher;
  /** Checks that the cluster answers (for /health/ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Connects with the named client (`KAFKA_CLIENT`; kafkajs unless told otherwise). */
export function connectKafkaClient(
  settings: KafkaSettings & { client?: KafkaClientName | undefined },
): KafkaClientConnection {
  const client = settings.client ?? "platformatic";
  const connection = client === "platformatic" ? connectPlatformatic(settings) : connectKafka(settings);
  return {
    client,
    bus: connection.bus,
    publisher: connection.publisher,
    ping: () => connection.ping(),
    close: () => connection.close(),
  };
}
