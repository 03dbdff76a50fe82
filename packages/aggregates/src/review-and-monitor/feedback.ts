import type { DepartmentRef, FeedbackStep, ReviewAndMonitorEventData } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";

type Data = ReviewAndMonitorEventData;
export type FeedbackEvent =
  | { type: "FeedbackOpened"; data: Data["FeedbackOpened"] }
  | { type: "FeedbackStepDone"; data: Data["FeedbackStepDone"] }
  | { type: "FeedbackReopened"; data: Data["FeedbackReopened"] }
  | { type: "MaliciousRatingAppealed"; data: Data["MaliciousRatingAppealed"] }
  | { type: "MaliciousRatingAppealDecided"; data: Data["MaliciousRatingAppealDecided"] };

export type Kind = Data["FeedbackOpened"]["kind"];
export type Outcome = Data["FeedbackStepDone"]["outcome"];

/**
 * The one closed loop for a 差评 and for a complaint; only the order of the steps differs.
 * - 差评 (国办发〔2019〕51号): 回访核实 by the supervising side, verification, rectification (founded) or an
 *   explanation (unfounded), then a follow-up rating or a closing.
 * - complaint (国办发〔2020〕53号: 12345 接诉即办, 按时办结, 回访): accepted by the department it is routed to,
 *   verified, answered (rectified or explained), called back by telephone, closed or reopened.
 */
export const stepPlan: Record<Kind, readonly FeedbackStep[]> = {
  "bad-rating": ["call-back", "verify", "answer", "close"],
  complaint: ["accept", "verify", "answer", "call-back", "close"],
};

/** What each step may end with. */
export const stepOutcomes: Record<FeedbackStep, readonly Outcome[]> = {
  accept: ["accepted"],
  "call-back": ["reached-satisfied", "reached-dissatisfied", "not-reached"],
  verify: ["founded", "unfounded"],
  answer: ["rectified", "explained"],
  close: ["follow-up-rating", "closed"],
};

export type OpenFeedback = Command<"OpenFeedback", Omit<Data["FeedbackOpened"], "step" | "dueOn">>;
export type DoStep = Command<"DoStep", { step: FeedbackStep; outcome: Outcome; note?: string }>;
export type ReopenFeedback = Command<"ReopenFeedback", { reason: string }>;
export type AppealRating = Command<"AppealRating", { grounds: string }>;
export type DecideAppeal = Command<"DecideAppeal", { upheld: boolean; reasons: string }>;
export type FeedbackCommand = OpenFeedback | DoStep | ReopenFeedback | AppealRating | DecideAppeal;

export interface OpenLoop {
  status: "open" | "closed";
  feedbackId: string;
  kind: Kind;
  ratingId?: string;
  raisedBy: string;
  department: DepartmentRef;
  /** The step due next and its deadline (absent once closed). */
  step?: FeedbackStep;
  dueOn?: string;
  outcomes: Partial<Record<FeedbackStep, Outcome>>;
  appeal?: { status: "filed" | "upheld" | "rejected" };
}
export type FeedbackState = { status: "none" } | OpenLoop;

export const initialFeedbackState = (): FeedbackState => ({ status: "none" });

export function evolveFeedback(state: FeedbackState, event: FeedbackEvent): FeedbackState {
  if (event.type === "FeedbackOpened") {
    const d = event.data;
    return {
      status: "open",
      feedbackId: d.feedbackId,
      kind: d.kind,
      ...(d.ratingId ? { ratingId: d.ratingId } : {}),
      raisedBy: d.raisedBy,
      department: d.department,
      step: d.step,
      dueOn: d.dueOn,
      outcomes: {},
    };
  }
  if (state.status === "none") return state;
  switch (event.type) {
    case "FeedbackStepDone": {
      const { step: _s, dueOn: _d, ...rest } = state;
      const outcomes = { ...state.outcomes, [event.data.step]: event.data.outcome };
      return event.data.next
        ? { ...rest, status: "open", outcomes, step: event.data.next.step, dueOn: event.data.next.dueOn }
        : { ...rest, status: "closed", outcomes };
    }
    case "FeedbackReopened": {
      const { answer: _a, "call-back": _c, close: _x, ...kept } = state.outcomes;
      return { ...state, status: "open", outcomes: kept, ...event.data.next };
    }
    case "MaliciousRatingAppealed":
      return { ...state, appeal: { status: "filed" } };
    case "MaliciousRatingAppealDecided":
      return { ...state, appeal: { status: event.data.upheld ? "upheld" : "rejected" } };
    default: {
      const never: never = event;
      return never;
    }
  }
}
