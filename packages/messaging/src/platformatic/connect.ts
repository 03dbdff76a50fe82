import type { KafkaSettings } from "../kafka/kafka-client.ts";
import { PlatformaticTopicAdmin } from "./client.ts";
import { PlatformaticEventBus } from "./platformatic-bus.ts";
import { PlatformaticPublisher } from "./publisher.ts";

/**
 * Everything a process needs to talk to Kafka through @platformatic/kafka: the same bus, publisher, ping and
 * close as `connectKafka` (kafkajs), sharing one topic admin.
 */
export function connectPlatformatic(settings: KafkaSettings) {
  const topics = new PlatformaticTopicAdmin(settings);
  const bus = new PlatformaticEventBus(settings, topics);
  const publisher = new PlatformaticPublisher(settings, topics);
  return {
    topics,
    bus,
    publisher,
    /** Checks that the cluster answers (for /health/ready). */
    async ping() {
      await topics.admin().metadata({ topics: [], forceUpdate: true });
    },
    async close() {
      await bus.close();
      await publisher.close();
      await topics.close();
    },
  };
}
export type PlatformaticConnection = ReturnType<typeof connectPlatformatic>;
