import type { DomainEvent, EventTypes, RecordedEvent } from "@gov/eventsourcing";
import { evolveCase, initialCaseState } from "./approval/case.ts";
import { evolvePermit, initialPermitState } from "./approval/permit.ts";
import { evolveSubject, initialSubjectState } from "./credit/subject.ts";
import { evolveCaseReport, initialCaseReportState } from "./exchange/case-report.ts";
import { evolveApplication, initialApplicationState } from "./intake/application.ts";
import { evolveFeedback, type FeedbackEvent, initialFeedbackState } from "./review-and-monitor/feedback.ts";
import { evolveFinding, type FindingEvent, initialFindingState } from "./review-and-monitor/finding.ts";
import { evolvePush, initialPushState, type PushEvent } from "./review-and-monitor/push.ts";
import { evolveRating, initialRatingState, type RatingEvent } from "./review-and-monitor/rating.ts";
import {
  evolveVerification,
  initialVerificationState,
  type VerificationEvent,
} from "./review-and-monitor/verification.ts";
import { evolveWatch, initialWatchState, type WatchEvent } from "./review-and-monitor/watch.ts";
import {
  applicationTypes,
  caseTypes,
  permitTypes,
  reportTypes,
  reviewAndMonitorTypes,
  subjectTypes,
} from "./types.ts";

/** A stream's state as its owning service's decider sees it, folded from stored events. */
export interface StreamFold {
  /** The service that owns the stream category. */
  service: string;
  /** The aggregate's state after `events` (in stream order), folded with the owner's own `evolve`. */
  fold(events: readonly Pick<RecordedEvent, "type" | "data">[]): unknown;
}

function foldWith<E extends DomainEvent, S>(
  service: string,
  types: EventTypes<E>,
  initial: () => S,
  evolve: (state: S, event: E) => S,
): StreamFold {
  return {
    service,
    fold: (events) =>
      events.reduce((state, recorded) => {
        const event = types.toDomain(recorded);
        return event ? evolve(state, event) : state;
      }, initial()),
  };
}

/**
 * Every case-related stream category (the part of the stream id before the first `-`) with the fold its owner
 * uses. The audit service reconstructs a case at an instant with these (docs/audit.md, "Point in time").
 */
export const streamFolds: Readonly<Record<string, StreamFold>> = {
  application: foldWith("intake", applicationTypes, initialApplicationState, evolveApplication),
  case: foldWith("approval", caseTypes, initialCaseState, evolveCase),
  permit: foldWith("approval", permitTypes, initialPermitState, evolvePermit),
  subject: foldWith("credit", subjectTypes, initialSubjectState, evolveSubject),
  casestep: foldWith("exchange", reportTypes, initialCaseReportState, evolveCaseReport),
  rating: foldWith(
    "review-and-monitor",
    reviewAndMonitorTypes<RatingEvent>(),
    initialRatingState,
    evolveRating,
  ),
  feedback: foldWith(
    "review-and-monitor",
    reviewAndMonitorTypes<FeedbackEvent>(),
    initialFeedbackState,
    evolveFeedback,
  ),
  watch: foldWith("review-and-monitor", reviewAndMonitorTypes<WatchEvent>(), initialWatchState, evolveWatch),
  finding: foldWith(
    "review-and-monitor",
    reviewAndMonitorTypes<FindingEvent>(),
    initialFindingState,
    evolveFinding,
  ),
  push: foldWith("review-and-monitor", reviewAndMonitorTypes<PushEvent>(), initialPushState, evolvePush),
  verification: foldWith(
    "review-and-monitor",
    reviewAndMonitorTypes<VerificationEvent>(),
    initialVerificationState,
    evolveVerification,
  ),
};

/** The fold for a stream id (`case-A1` → approval's case fold), if its category is a case-related aggregate. */
export function foldFor(streamId: string): StreamFold | undefined {
  const dash = streamId.indexOf("-");
  return streamFolds[dash === -1 ? streamId : streamId.slice(0, dash)];
}

/** A folded state as plain JSON (sets as sorted arrays, maps as objects), for a response or a comparison. */
export function stateJson(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(stateJson).sort();
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), stateJson(v)]));
  if (Array.isArray(value)) return value.map(stateJson);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, stateJson(v)]),
    );
  }
  return value;
}
