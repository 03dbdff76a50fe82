import type { ReviewAndMonitorEventData } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";

type Data = ReviewAndMonitorEventData;
export type RatingEvent =
  | { type: "RatingSubmitted"; data: Data["RatingSubmitted"] }
  | { type: "RatingChangeRefused"; data: Data["RatingChangeRefused"] };

export type SubmitRating = Command<"SubmitRating", Data["RatingSubmitted"]>;
/** Any attempt to change or delete a rating: refused, and the attempt recorded. */
export type AttemptRatingChange = Command<"AttemptRatingChange", { attempt: "change" | "delete" }>;
export type RatingCommand = SubmitRating | AttemptRatingChange;

export type RatingState =
  | { status: "none" }
  | { status: "rated"; rating: Data["RatingSubmitted"]; refusedAttempts: number };

export const initialRatingState = (): RatingState => ({ status: "none" });

export function evolveRating(state: RatingState, event: RatingEvent): RatingState {
  switch (event.type) {
    case "RatingSubmitted":
      return { status: "rated", rating: event.data, refusedAttempts: 0 };
    case "RatingChangeRefused":
      return state.status === "rated" ? { ...state, refusedAttempts: state.refusedAttempts + 1 } : state;
    default: {
      const never: never = event;
      return never;
    }
  }
}

/** 差评: the two lowest of the five levels (国办发〔2019〕51号). */
export const isBadRating = (level: Data["RatingSubmitted"]["level"]) =>
  level === "dissatisfied" || level === "very-dissatisfied";
