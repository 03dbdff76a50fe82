// The durable Kafka consumer groups each service runs (ephemeral groups, one per process start for an in-memory
// read model, do not scale and are left out). KEDA scales a service on these groups' lag; each has a dead-letter
// topic. The packaged-services test compares this table with the groups the running services report on /metrics.
import { type Topic, topics } from "@gov/contracts";

export interface ConsumerGroup {
  group: string;
  topics: readonly Topic[];
}

export const durableConsumerGroups: Readonly<Record<string, readonly ConsumerGroup[]>> = {
  approval: [
    { group: "approval-acceptance", topics: [topics.intake.application] },
    { group: "approval-findings", topics: [topics.reviewAndMonitor.finding] },
  ],
  exchange: [
    {
      group: "exchange-case-steps",
      topics: [topics.intake.application, topics.approval.case, topics.approval.permit],
    },
  ],
  "review-and-monitor": [
    { group: "review-and-monitor-clocks", topics: [topics.intake.application] },
    { group: "review-and-monitor-approval", topics: [topics.approval.case, topics.approval.permit] },
  ],
  credit: [{ group: "credit-reactions", topics: [topics.reviewAndMonitor.finding, topics.approval.permit] }],
};

export const consumerGroupsOf = (service: string): readonly ConsumerGroup[] =>
  durableConsumerGroups[service] ?? [];
