import { chinaDate } from "@gov/calendar";
import { type Decider, NotFound, StateConflict } from "@gov/eventsourcing";
import {
  type AttemptRatingChange,
  evolveRating,
  initialRatingState,
  type RatingCommand,
  type RatingEvent,
  type RatingState,
  type SubmitRating,
} from "./rating.ts";

/** The rating decider: one rating per case, channel and rater; append-only. */
export const ratingDecider: Decider<RatingCommand, RatingEvent, RatingState> = {
  initialState: initialRatingState,
  evolve: evolveRating,
  decide: decideRating,
};

export function decideRating(command: RatingCommand, state: RatingState): RatingEvent[] {
  switch (command.type) {
    case "SubmitRating":
      return submit(command, state);
    case "AttemptRatingChange":
      return attemptChange(command, state);
    default: {
      const never: never = command;
      return never;
    }
  }
}

/** 国办发〔2019〕51号: one rating per case (一事一评) and channel by each rater; a second is refused. */
function submit(command: SubmitRating, state: RatingState): RatingEvent[] {
  if (state.status === "rated")
    throw new StateConflict("this case was already rated on this channel by this rater; a rating is final");
  return [{ type: "RatingSubmitted", data: command.data }];
}

/**
 * 国办发〔2019〕51号: nobody may force or alter a rating. A change or deletion is never carried out; the attempt
 * is recorded (the caller is answered with a refusal).
 */
function attemptChange(command: AttemptRatingChange, state: RatingState): RatingEvent[] {
  if (state.status !== "rated") throw new NotFound("no such rating");
  return [
    {
      type: "RatingChangeRefused",
      data: {
        ratingId: state.rating.ratingId,
        attempt: command.data.attempt,
        attemptedOn: chinaDate(command.metadata.now),
      },
    },
  ];
}
