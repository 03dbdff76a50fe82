import { connectPlatformatic, parseTopic } from "@gov/messaging";

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
 * committed on a topic that is not the platform's; offsets on a topic deleted since are ignored.
 *
 * The offsets are committed straight to the group's coordinator (OffsetCommit for an empty group, through
 * @platformatic/kafka's admin): kafkajs' `setOffsets` joins the group with a consumer, seconds a group.
 */
export async function skipIdleGroupsToEnd(
  brokers: readonly string[],
  owns: (groupId: string) => boolean = (g) => PLATFORM_GROUP.test(g),
): Promise<string[]> {
  const kafka = connectPlatformatic({ brokers, clientId: "scenario-groups" });
  const admin = kafka.topics.admin();
  const moved: string[] = [];
  try {
    const idle = await admin.listGroups({ states: ["Empty"] });
    const candidates = [...idle.values()]
      .filter((g) => g.state.toLowerCase() === "empty")
      .map((g) => g.id)
      .filter((g) => owns(g) && !g.includes(".ephemeral.") && !g.includes(".deadletter-"))
      .sort();
    if (candidates.length === 0) return moved;
    const existing = new Set(await admin.listTopics());
    for (const groupId of candidates) {
      const committed = [...(await kafka.topics.committed(groupId)).keys()].map((k) =>
        k.slice(0, k.lastIndexOf(":")),
      );
      const topics = [...new Set(committed)];
      if (topics.length === 0 || topics.some((t) => parseTopic(t) === undefined)) continue;
      const live = topics.filter((t) => existing.has(t));
      if (live.length === 0) continue;
      const ends = await kafka.topics.ends(live);
      await admin.alterConsumerGroupOffsets({
        groupId,
        topics: [...ends].map(([name, partitions]) => ({
          name,
          partitionOffsets: partitions.map((p, partition) => ({ partition, offset: p.high })),
        })),
      });
      moved.push(groupId);
    }
    return moved;
  } finally {
    await kafka.close();
  }
}
