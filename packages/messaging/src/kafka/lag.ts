import type { Admin } from "kafkajs";

/** Messages on the group's topics that the group has not committed yet, summed over partitions. */
export async function groupLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<number> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  let lag = 0;
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const end of ends) {
      const at = Number(mine.find((p) => p.partition === end.partition)?.offset ?? -1);
      lag += Number(end.high) - (at < 0 ? Number(end.low) : at);
    }
  }
  return lag;
}
