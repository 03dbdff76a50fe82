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
 * committed on a topic that is not the platform's; offsets on a topic deleted since are ignored. Groups that still
 * have members are first given `settleMs` (default 20 s) to empty: a platform stopped just before leaves its
 * members behind until their sessions time out.
 *
 * The offsets are committed straight to the group's coordinator (OffsetCommit for an empty group, through
 * @platformatic/kafka's admin): kafkajs' `setOffsets` joins the group with a consumer, seconds a group.
 */
export async function skipIdleGroupsToEnd(
  brokers: readonly string[],
  owns: (groupId: string) => boolean = (g) => PLATFORM_GROUP.test(g),
  options: { settleMs?: number } = {},
): Promise<string[]> {
  const kafka = connectPlatformatic({ brokers, clientId: "scenario-groups" });
  const admin = kafka.topics.admin();
  const moved: string[] = [];
  const ours = (g: string) => owns(g) && !g.includes(".ephemeral.") && !g.includes(".deadletter-");
  try {
    // A platform stopped a moment ago (a test that killed its processes) leaves its members in the groups until
    // their session times out (10 s): those groups are not empty yet, and the next platform would join them and
    // read on from the old offsets. Wait, with a deadline, for the platform's groups to empty; a group still
    // busy then has live members (another platform on the broker) and is left alone.
    const deadline = Date.now() + (options.settleMs ?? 20_000);
    for (;;) {
      const groups = await admin.listGroups();
      const busy = [...groups.values()].filter(
        (g) => ours(g.id) && !["empty", "dead"].includes(g.state.toLowerCase()),
      );
      if (busy.length === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const idle = await admin.listGroups({ states: ["Empty"] });
    const candidates = [...idle.values()]
      .filter((g) => g.state.toLowerCase() === "empty")
      .map((g) => g.id)
      .filter(ours)
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
