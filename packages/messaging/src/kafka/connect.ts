import { describeKafkaError } from "./errors.ts";
import { type KafkaBusOptions, KafkaEventBus } from "./kafka-bus.ts";
import { createKafka, type KafkaSettings, TopicAdmin } from "./kafka-client.ts";
import { KafkaPublisher } from "./kafka-publisher.ts";

/** Everything a process needs to talk to Kafka, sharing one client and one topic admin. */
export function connectKafka(settings: KafkaSettings & KafkaBusOptions) {
  const kafka = createKafka(settings);
  const topics = new TopicAdmin(kafka, settings);
  const bus = new KafkaEventBus(kafka, topics, settings.logger, settings);
  const publisher = new KafkaPublisher(kafka, topics);
  return {
    kafka,
    topics,
    bus,
    publisher,
    /**
     * Throws, naming what is wrong, unless the cluster answers, every subscription consumes and the last
     * publish (if any) went through — for /health/ready, which then names `kafka` while the platform waits
     * for the broker.
     */
    async ping() {
      try {
        await (await topics.admin()).describeCluster();
      } catch (error) {
        throw new Error(`the cluster does not answer: ${describeKafkaError(error)}`);
      }
      const problems = bus.problems();
      if (publisher.failing) problems.push(`publishing fails: ${publisher.failing}`);
      if (problems.length > 0) throw new Error(problems.join("; "));
    },
    async close() {
      await bus.close();
      await publisher.close();
      await topics.close();
    },
  };
}
export type KafkaConnection = ReturnType<typeof connectKafka>;
