import { createKafka, parseTopic, TopicAdmin } from "@gov/messaging";

/** The platform's durable consumer groups: named after the service that owns them (`review-and-monitor-approval`). */
export const PLATFORM_GROUP = /^(matters|credit|intake|approval|review-and-monitor|audit|exchange)-/;

/**
 * Moves each idle consumer group that `owns` names to the end of the platform topics it has committed offsets on,
 * and returns the groups it moved.
 *
 * The platform's groups have fixed names, and every test platform on the shared broker starts on a fresh event
 * store. Events that an earlier platform published and never consumed (one stopped halfway, or a suite that ran
 * only some services) belong to cases the new store has never seen: the new platform would retry them until they
 * reach the dead letters, and stay not ready meanwhile. A group with members is left alone, and so is one that has
 * committed on a topic that is not the platform's.
 */
export async function skipIdleGroupsToEnd(
  brokers: readonly string[],
  owns: (groupId: string) => boolean = (g) => PLATFORM_GROUP.test(g),
): Promise<string[]> {
  const topics = new TopicAdmin(createKafka({ brokers, clientId: "scenario-groups" }), {});
  const moved: string[] = [];
  try {
    const { groups } = await topics.use((admin) => admin.listGroups());
    const candidates = groups
      .map((g) => g.groupId)
      .filter((g) => owns(g) && !g.includes(".ephemeral.") && !g.includes(".deadletter-"));
    if (candidates.length === 0) return moved;
    const described = await topics.use((admin) => admin.describeGroups(candidates));
    for (const group of described.groups) {
      if (group.state !== "Empty" || group.members.length > 0) continue;
      const committed = await topics.use((admin) => admin.fetchOffsets({ groupId: group.groupId }));
      const ours = committed.map((c) => c.topic);
      if (ours.length === 0 || ours.some((t) => parseTopic(t) === undefined)) continue;
      // Explicit offsets: kafkajs' resetOffsets commits -1, which other clients read as "no offset" (earliest).
      for (const topic of ours) {
        const ends = await topics.use((admin) => admin.fetchTopicOffsets(topic));
        const partitions = ends.map((p) => ({ partition: p.partition, offset: p.high }));
        await topics.use((admin) => admin.setOffsets({ groupId: group.groupId, topic, partitions }));
      }
      moved.push(group.groupId);
    }
    return moved;
  } finally {
    await topics.close();
  }
}
