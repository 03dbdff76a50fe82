import { NotFound, StateConflict } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, it } from "vitest";
import { ratingDecider } from "./decide.ts";
import type { RatingEvent } from "./rating.ts";

const spec = deciderSpec(ratingDecider, {
  metadata: { now: "2026-05-06T10:00:00+08:00", actor: { id: "P1", role: "applicant" } },
});
const rating = {
  ratingId: "R1",
  caseId: "A1",
  department: { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" },
  channel: "per-case" as const,
  level: "dissatisfied" as const,
  rater: "b".repeat(64),
  enteredBy: "applicant" as const,
  ratedOn: "2026-05-06",
};
const submitted: RatingEvent = { type: "RatingSubmitted", data: rating };

describe("ratings (国办发〔2019〕51号)", () => {
  it("a rating is recorded as given", () => {
    spec.given().when({ type: "SubmitRating", data: rating }).then(submitted);
  });
  it("one rating per case, channel and rater: a second is a conflict", () => {
    spec
      .given(submitted)
      .when({ type: "SubmitRating", data: { ...rating, level: "satisfied" } })
      .thenThrows(StateConflict);
  });
  it("国办发〔2019〕51号 (评价不得强制或干预): a change or deletion is never carried out; the attempt is recorded", () => {
    for (const attempt of ["change", "delete"] as const)
      spec
        .given(submitted)
        .when({ type: "AttemptRatingChange", data: { attempt } })
        .then({ type: "RatingChangeRefused", data: { ratingId: "R1", attempt, attemptedOn: "2026-05-06" } });
  });
  it("an attempt on a rating that does not exist is a not-found", () => {
    spec
      .given()
      .when({ type: "AttemptRatingChange", data: { attempt: "delete" } })
      .thenThrows(NotFound);
  });
});
