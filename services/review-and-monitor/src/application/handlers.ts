import { reviewAndMonitorTypes } from "@gov/aggregates";
import {
  type CommandContext,
  type CommandHandler,
  type CommandInput,
  commandHandler,
  type DomainEvent,
  type EventStore,
  type HandleResult,
  handleCommandsTogether,
  type PreparedCommand,
} from "@gov/eventsourcing";
import { feedbackDecider, type LoopRules } from "../domain/feedback/decide.ts";
import type { FeedbackCommand, FeedbackEvent, FeedbackState } from "../domain/feedback/feedback.ts";
import { findingDecider, inspectionDecider } from "../domain/finding/decide.ts";
import type {
  FindingCommand,
  FindingEvent,
  FindingState,
  InspectionEvent,
  InspectionState,
  RecordInspection,
} from "../domain/finding/finding.ts";
import { type PushRules, pushDecider } from "../domain/push/decide.ts";
import type { PushCommand, PushEvent, PushState } from "../domain/push/push.ts";
import { ratingDecider } from "../domain/rating/decide.ts";
import type { RatingCommand, RatingEvent, RatingState } from "../domain/rating/rating.ts";
import { samplingDecider } from "../domain/sampling/decide.ts";
import type { SamplingCommand, SamplingEvent, SamplingState } from "../domain/sampling/sampling.ts";
import { type VerificationRules, verificationDecider } from "../domain/verification/decide.ts";
import type {
  VerificationCommand,
  VerificationEvent,
  VerificationState,
} from "../domain/verification/verification.ts";
import { type WatchRules, watchDecider } from "../domain/watch/decide.ts";
import type { WatchCommand, WatchEvent, WatchState } from "../domain/watch/watch.ts";

export const SOURCE = "gov.review-and-monitor";
/** This service's stream categories (each is a topic: gov.review-and-monitor.<category>.v1). */
export const categories = [
  "rating",
  "feedback",
  "watch",
  "finding",
  "inspection",
  "push",
  "verification",
  "sampling",
] as const;

const types = reviewAndMonitorTypes;

export const streams = {
  rating: (id: string) => `rating-${id}`,
  feedback: (id: string) => `feedback-${id}`,
  watch: (id: string) => `watch-${id}`,
  finding: (id: string) => `finding-${id}`,
  inspection: (id: string) => `inspection-${id}`,
  push: (id: string) => `push-${id}`,
  verification: (id: string) => `verification-${id}`,
  /** A month of 告知承诺 sampling, `sampling-YYYY-MM`: its seed revealed after the month. */
  sampling: (period: string) => `sampling-${period}`,
};

export interface Handlers {
  store: EventStore;
  ratings: CommandHandler<RatingCommand, RatingEvent, RatingState>;
  feedback: CommandHandler<FeedbackCommand, FeedbackEvent, FeedbackState>;
  watch: CommandHandler<WatchCommand, WatchEvent, WatchState>;
  findings: CommandHandler<FindingCommand, FindingEvent, FindingState>;
  inspections: CommandHandler<RecordInspection, InspectionEvent, InspectionState>;
  pushes: CommandHandler<PushCommand, PushEvent, PushState>;
  verifications: CommandHandler<VerificationCommand, VerificationEvent, VerificationState>;
  sampling: CommandHandler<SamplingCommand, SamplingEvent, SamplingState>;
}

/** The one command path of each aggregate (load, decide, append), on one store. */
export function handlers(
  store: EventStore,
  loop: LoopRules,
  watch: WatchRules,
  push: PushRules,
  verification: VerificationRules,
): Handlers {
  return {
    store,
    ratings: commandHandler({
      store,
      decider: ratingDecider,
      types: types(),
      source: SOURCE,
      stream: streams.rating,
    }),
    feedback: commandHandler({
      store,
      decider: feedbackDecider(loop),
      types: types(),
      source: SOURCE,
      stream: streams.feedback,
    }),
    watch: commandHandler({
      store,
      decider: watchDecider(watch),
      types: types(),
      source: SOURCE,
      stream: streams.watch,
      // A clock id is `<kind>.<case or loop id>`: its events keep the case's order on the bus.
      caseId: (id) => id.slice(id.indexOf(".") + 1),
    }),
    findings: commandHandler({
      store,
      decider: findingDecider,
      types: types(),
      source: SOURCE,
      stream: streams.finding,
    }),
    inspections: commandHandler({
      store,
      decider: inspectionDecider,
      types: types(),
      source: SOURCE,
      stream: streams.inspection,
    }),
    pushes: commandHandler({
      store,
      decider: pushDecider(push),
      types: types(),
      source: SOURCE,
      stream: streams.push,
    }),
    verifications: commandHandler({
      store,
      decider: verificationDecider(verification),
      types: types(),
      source: SOURCE,
      stream: streams.verification,
    }),
    sampling: commandHandler({
      store,
      decider: samplingDecider(verification),
      types: types(),
      source: SOURCE,
      stream: streams.sampling,
      // A month concerns no case.
      caseId: () => undefined,
    }),
  };
}

type AnyPrepared = PreparedCommand<DomainEvent, unknown>;
/** Commands on several aggregates written as one append (all or nothing); the first command's result. */
export async function together(
  store: EventStore,
  prepare: () => Promise<AnyPrepared[]>,
): Promise<HandleResult<DomainEvent, unknown>> {
  const results = await handleCommandsTogether(store, prepare, { retriesOnConflict: 2 });
  return results[0] as HandleResult<DomainEvent, unknown>;
}

export const asAny = <E extends DomainEvent, S>(p: PreparedCommand<E, S>) => p as unknown as AnyPrepared;
export type { CommandContext, CommandInput };
