import { kafkaBrokers, probeKafka, useBackend } from "@gov/testing";
import type { Admin } from "kafkajs";
import { afterAll, describe, expect, it } from "vitest";
import { connectKafka } from "./connect.ts";

const run = useBackend("kafka", "TopicAdmin.use (admin requests that retry)", await probeKafka());

/** The error kafkajs' admin throws when its metadata names a broker that no longer leads the partition. */
function notLeader(): Error {
  return Object.assign(new Error("This server is not the leader for that topic-partition"), {
    name: "KafkaJSProtocolError",
    type: "NOT_LEADER_FOR_PARTITION",
    retriable: true,
  });
}

describe.skipIf(!run)("TopicAdmin.use", () => {
  const kafka = connectKafka({ brokers: kafkaBrokers(), clientId: "topic-admin-use", stepRetryMs: 10_000 });
  afterAll(() => kafka.close());

  it("retries a stale-leader error on a new admin client (fresh metadata) and returns the answer", async () => {
    const seen: Admin[] = [];
    const topics = await kafka.topics.use(async (admin) => {
      seen.push(admin);
      if (seen.length === 1) throw notLeader();
      return admin.listTopics();
    });
    expect(Array.isArray(topics)).toBe(true);
    expect(seen).toHaveLength(2);
    expect(seen[1]).not.toBe(seen[0]);
  });

  it("gives up at once on an error no wait can fix", async () => {
    let calls = 0;
    const denied = Object.assign(new Error("not authorized"), {
      name: "KafkaJSProtocolError",
      type: "TOPIC_AUTHORIZATION_FAILED",
    });
    await expect(
      kafka.topics.use(async () => {
        calls++;
        throw denied;
      }),
    ).rejects.toThrow("not authorized");
    expect(calls).toBe(1);
  });
});
