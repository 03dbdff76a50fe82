import { creditEventTypes, reviewAndMonitorEventTypes } from "@gov/contracts";
import { describe, expect, it } from "vitest";
import { foldFor, stateJson, streamFolds } from "./folds.ts";

describe("@gov/aggregates: each case-related stream folded with its owner's evolve", () => {
  it("finds the owner and its fold from the stream id's category", () => {
    expect(foldFor("application-A1")?.service).toBe("intake");
    expect(foldFor("case-A1")?.service).toBe("approval");
    expect(foldFor("permit-PMT-A1")?.service).toBe("approval");
    expect(foldFor("subject-O913301")?.service).toBe("credit");
    expect(foldFor("casestep-A1")?.service).toBe("exchange");
    expect(foldFor("watch-A1")?.service).toBe("review-and-monitor");
    // Streams that are not an aggregate of a case (the audit service's own, the catalog's) have none.
    expect(foldFor("access-auditor-1")).toBeUndefined();
    expect(foldFor("matter-hygiene")).toBeUndefined();
    expect(Object.keys(streamFolds).sort()).toEqual(
      [
        "application",
        "case",
        "casestep",
        "feedback",
        "finding",
        "permit",
        "push",
        "rating",
        "subject",
        "verification",
        "watch",
      ].sort(),
    );
  });

  it("folds stored events by their wire type, exactly as the owning service's decider does", () => {
    const subject = foldFor("subject-O1");
    const registered = {
      type: creditEventTypes.SubjectRegistered,
      data: { subjectId: "O1", kind: "organisation", organisation: { creditCode: "91330106MA2K5N9R4F" } },
    };
    expect(subject?.fold([registered])).toMatchObject({
      status: "registered",
      subjectId: "O1",
      creditCode: "91330106MA2K5N9R4F",
      creditStatus: "normal",
      listings: {},
    });
    // A type the owner does not know (another service's event in the same case) leaves the state as it was.
    expect(subject?.fold([{ type: reviewAndMonitorEventTypes.RatingSubmitted, data: {} }])).toEqual({
      status: "none",
    });
  });

  it("turns a folded state into plain JSON: sets as sorted arrays, maps as objects, no undefined", () => {
    expect(
      stateJson({ a: new Set(["b", "a"]), m: new Map([["k", { n: 1, gone: undefined }]]), u: undefined }),
    ).toEqual({ a: ["a", "b"], m: { k: { n: 1 } } });
  });
});
