import { describeKafkaError } from "./errors.ts";
import { type KafkaBusOptions, KafkaEventBus } from "./kafka-bus.ts";
import { createKafka, type KafkaSettings, TopicAdmin } from "./kafka-client.ts";
import { KafkaPublisher } from "./kafka-publisher.ts";

/** How long readiness waits for the cluster to answer (the kit gives a check 2 s). */
const PING_MS = 1500;

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
      const problems = bus.problems();
      if (publisher.failing) problems.push(`publishing fails: ${publisher.failing}`);
      let timer: NodeJS.Timeout | undefined;
      try {
        // kafkajs retries a broker that is down for many seconds: readiness wants an answer now.
        await Promise.race([
          (async () => (await topics.admin()).describeCluster())(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${PING_MS} ms`)), PING_MS);
          }),
        ]);
      } catch (error) {
        problems.unshift(`the cluster does not answer: ${describeKafkaError(error)}`);
      } finally {
        clearTimeout(timer);
      }
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
