import { randomUUID } from "node:crypto";
import { connectPlatformatic, createKafka, TopicAdmin } from "@gov/messaging";
import { kafkaBrokers, probeKafka, useBackend } from "@gov/testing";
import { afterAll, describe, expect, it } from "vitest";
import { PLATFORM_GROUP, skipIdleGroupsToEnd } from "./kafka-groups.ts";

const run = useBackend(
  "kafka",
  "skipIdleGroupsToEnd (scenario platforms on a shared broker)",
  await probeKafka(),
);

describe.skipIf(!run)("skipIdleGroupsToEnd", () => {
  const kafka = createKafka({ brokers: kafkaBrokers(), clientId: "scenario-groups-test" });
  const topics = new TopicAdmin(kafka, { stepRetryMs: 30_000 });
  const run = randomUUID().slice(0, 8);
  const ours = `gov.scenariotest${run}.thing.v1`;
  const idleTopic = `gov.scenariotest${run}.idle.v1`;
  const foreign = `scenariotest-${run}-foreign`;
  const consumer = kafka.consumer({ groupId: `scenariotest${run}-busy` });
  afterAll(async () => {
    await consumer.disconnect().catch(() => undefined);
    await topics.use((a) => a.deleteTopics({ topics: [ours, idleTopic, foreign] })).catch(() => undefined);
    await topics.close();
  });

  const committed = async (groupId: string, topic: string) => {
    const [offsets] = await topics.use((a) => a.fetchOffsets({ groupId, topics: [topic] }));
    return Number(offsets?.partitions[0]?.offset);
  };
  /** Joins `member`'s group (subscribed to `idleTopic`, so that its offsets on other topics stay put). */
  const joinAsMember = async (member: ReturnType<typeof kafka.consumer>) => {
    await member.connect();
    await member.subscribe({ topics: [idleTopic] });
    const joined = new Promise<void>((r) => member.on(member.events.GROUP_JOIN, () => r()));
    await member.run({ eachMessage: async () => undefined });
    await joined;
  };
  const platformatic = connectPlatformatic({ brokers: kafkaBrokers(), clientId: "scenario-groups-test" });
  afterAll(() => platformatic.close());
  // Straight to the coordinator (kafkajs' setOffsets would join each group with a consumer: seconds each).
  const commitStart = (groupId: string, topic: string) =>
    platformatic.topics.admin().alterConsumerGroupOffsets({
      groupId,
      topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 0n }] }],
    });

  it("names the platform's durable groups, not others", () => {
    expect(PLATFORM_GROUP.test("review-and-monitor-approval")).toBe(true);
    expect(PLATFORM_GROUP.test("exchange-case-steps")).toBe(true);
    expect(PLATFORM_GROUP.test("relay-test-1")).toBe(false);
  });

  it("moves an idle group to the topics' ends; leaves a group with members, and one on a foreign topic", async () => {
    await topics.ensure([ours, idleTopic, foreign], 1);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: ours, messages: [{ value: "1" }, { value: "2" }, { value: "3" }] });
    await producer.send({ topic: foreign, messages: [{ value: "1" }] });
    await producer.disconnect();

    const idle = `scenariotest${run}-idle`;
    const busy = `scenariotest${run}-busy`;
    const mixed = `scenariotest${run}-mixed`;
    await commitStart(idle, ours);
    await commitStart(busy, ours);
    await commitStart(mixed, ours);
    await commitStart(mixed, foreign);
    // A member joins `busy` (on another topic, so that its offsets on `ours` stay where they were).
    await joinAsMember(consumer);

    // `busy` keeps its member: after settleMs it is left alone.
    const moved = await skipIdleGroupsToEnd(kafkaBrokers(), (g) => g.startsWith(`scenariotest${run}-`), {
      settleMs: 1000,
    });

    expect(moved).toEqual([idle]);
    expect(await committed(idle, ours)).toBe(3);
    expect(await committed(busy, ours)).toBe(0);
    expect(await committed(mixed, ours)).toBe(0);
  });

  it("waits for a group whose member is leaving (a platform stopped a moment ago), then moves it", async () => {
    const leaving = `scenariotest${run}-leaving`;
    await commitStart(leaving, ours);
    const member = kafka.consumer({ groupId: leaving });
    await joinAsMember(member);
    // The member leaves while the groups are looked at (without the wait, `leaving` was not empty yet).
    const moving = skipIdleGroupsToEnd(kafkaBrokers(), (g) => g === leaving, { settleMs: 60_000 });
    setTimeout(() => void member.disconnect(), 1500);
    expect(await moving).toEqual([leaving]);
    expect(await committed(leaving, ours)).toBe(3);
  }, 90_000);
});
