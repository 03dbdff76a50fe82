import { KafkaEventBus } from "./kafka-bus.ts";
import { createKafka, type KafkaSettings, TopicAdmin } from "./kafka-client.ts";
import { KafkaPublisher } from "./kafka-publisher.ts";

/** Everything a process needs to talk to Kafka, sharing one client and one topic admin. */
export function connectKafka(settings: KafkaSettings) {
  const kafka = createKafka(settings);
  const topics = new TopicAdmin(kafka, settings);
  const bus = new KafkaEventBus(kafka, topics, settings.logger);
  const publisher = new KafkaPublisher(kafka, topics);
  return {
    kafka,
    topics,
    bus,
    publisher,
    /** Checks that the cluster answers (for /health/ready). */
    async ping() {
      await (await topics.admin()).describeCluster();
    },
    async close() {
      await bus.close();
      await publisher.close();
      await topics.close();
    },
  };
}
export type KafkaConnection = ReturnType<typeof connectKafka>;
