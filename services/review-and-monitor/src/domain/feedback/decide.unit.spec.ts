import { seedCalendar } from "@gov/calendar";
import type { Actor } from "@gov/contracts";
import { NotFound, NotPermitted, RuleViolation, StateConflict } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, it } from "vitest";
import { defaultStepDays, feedbackDecider } from "./decide.ts";
import type { FeedbackEvent } from "./feedback.ts";

const calendar = seedCalendar();
const decider = feedbackDecider({
  addWorkingDays: (d, n) => calendar.addWorkingDays(d, n),
  stepDays: defaultStepDays,
});
const department = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };
const rater = "a".repeat(64);
const supervisor: Actor = { id: "sup-1", role: "supervisor" };
const officer: Actor = { id: "off-1", role: "officer", department: department.creditCode };
const otherOfficer: Actor = { id: "off-2", role: "officer", department: "11330100002489999X" };
const at = (actor: Actor, now = "2026-05-06T10:00:00+08:00") => ({ now, actor });
const spec = deciderSpec(decider, { metadata: at(supervisor) });

const opened = (kind: "bad-rating" | "complaint"): FeedbackEvent => ({
  type: "FeedbackOpened",
  data: {
    feedbackId: "F1",
    kind,
    ...(kind === "bad-rating"
      ? { ratingId: "R1" }
      : { complaint: { channel: "hotline-12345", category: "complaint", summary: "窗口推诿" } }),
    raisedBy: rater,
    department,
    openedOn: "2026-05-06",
    step: kind === "bad-rating" ? "call-back" : "accept",
    // 2026-05-09 is a make-up working day (国务院办公厅 2026 年部分节假日安排).
    dueOn: kind === "bad-rating" ? "2026-05-09" : "2026-05-07",
  },
});
const done = (
  step: "accept" | "call-back" | "verify" | "answer" | "close",
  outcome: string,
  next?: { step: "accept" | "call-back" | "verify" | "answer" | "close"; dueOn: string },
  doneOn = "2026-05-06",
  late = false,
): FeedbackEvent =>
  ({
    type: "FeedbackStepDone",
    data: { feedbackId: "F1", step, doneOn, late, outcome, ...(next ? { next } : {}) },
  }) as FeedbackEvent;

describe("the closed loop of a 差评 (国办发〔2019〕51号)", () => {
  it("opens with the call-back (回访, every 差评) due in 3 working days by the calendar", () => {
    const {
      ratingId,
      complaint: _c,
      step: _s,
      dueOn: _d,
      ...rest
    } = opened("bad-rating").data as never as {
      [k: string]: unknown;
    };
    spec
      .given()
      .when({ type: "OpenFeedback", data: { ...rest, ratingId } as never })
      .then(opened("bad-rating"));
  });

  it("the call-back is the supervising side's: an officer is refused", () => {
    spec
      .given(opened("bad-rating"))
      .when({
        type: "DoStep",
        data: { step: "call-back", outcome: "reached-satisfied" },
        metadata: at(officer),
      })
      .thenThrows(NotPermitted);
  });

  it("steps go in order: verifying before the call-back is a conflict", () => {
    spec
      .given(opened("bad-rating"))
      .when({ type: "DoStep", data: { step: "verify", outcome: "founded" } })
      .thenThrows(StateConflict);
  });

  it("a founded 差评 is rectified within 15 working days (国办发〔2019〕51号: 原则上在15个工作日内整改)", () => {
    spec
      .given(
        opened("bad-rating"),
        done("call-back", "reached-dissatisfied", { step: "verify", dueOn: "2026-05-12" }),
      )
      .when({ type: "DoStep", data: { step: "verify", outcome: "founded" } })
      .then(done("verify", "founded", { step: "answer", dueOn: "2026-05-26" }));
  });

  it("a founded 差评 cannot be answered with an explanation alone", () => {
    spec
      .given(
        opened("bad-rating"),
        done("call-back", "reached-dissatisfied", { step: "verify", dueOn: "2026-05-12" }),
        done("verify", "founded", { step: "answer", dueOn: "2026-05-26" }),
      )
      .when({ type: "DoStep", data: { step: "answer", outcome: "explained" }, metadata: at(officer) })
      .thenThrows(RuleViolation, /rectified/);
  });

  it("only the rated department's officer answers; another department's is refused", () => {
    spec
      .given(
        opened("bad-rating"),
        done("call-back", "reached-dissatisfied", { step: "verify", dueOn: "2026-05-12" }),
        done("verify", "founded", { step: "answer", dueOn: "2026-05-26" }),
      )
      .when({ type: "DoStep", data: { step: "answer", outcome: "rectified" }, metadata: at(otherOfficer) })
      .thenThrows(NotPermitted);
  });

  it("an answer after its deadline is recorded as late", () => {
    const late = at(officer, "2026-05-27T09:00:00+08:00");
    spec
      .given(
        opened("bad-rating"),
        done("call-back", "reached-dissatisfied", { step: "verify", dueOn: "2026-05-12" }),
        done("verify", "founded", { step: "answer", dueOn: "2026-05-26" }),
      )
      .when({ type: "DoStep", data: { step: "answer", outcome: "rectified" }, metadata: late })
      .then(done("answer", "rectified", { step: "close", dueOn: "2026-06-03" }, "2026-05-27", true));
  });

  it("ends with a follow-up rating or a closing; then nothing more is done", () => {
    spec
      .given(opened("bad-rating"), done("close", "follow-up-rating"))
      .when({ type: "DoStep", data: { step: "close", outcome: "closed" } })
      .thenThrows(StateConflict, /closed/);
  });

  it("恶意差评 (国办发〔2019〕51号): the rated department appeals once; the supervisor decides", () => {
    const appealed: FeedbackEvent = {
      type: "MaliciousRatingAppealed",
      data: { feedbackId: "F1", ratingId: "R1", grounds: "评价与办件无关", appealedOn: "2026-05-06" },
    };
    spec
      .given(opened("bad-rating"))
      .when({ type: "AppealRating", data: { grounds: "评价与办件无关" }, metadata: at(officer) })
      .then(appealed);
    spec
      .given(opened("bad-rating"), appealed)
      .when({ type: "AppealRating", data: { grounds: "再次" }, metadata: at(officer) })
      .thenThrows(StateConflict);
    spec
      .given(opened("bad-rating"), appealed)
      .when({ type: "DecideAppeal", data: { upheld: true, reasons: "恶意" }, metadata: at(officer) })
      .thenThrows(NotPermitted);
    spec
      .given(opened("bad-rating"), appealed)
      .when({ type: "DecideAppeal", data: { upheld: true, reasons: "恶意差评属实" } })
      .then({
        type: "MaliciousRatingAppealDecided",
        data: {
          feedbackId: "F1",
          ratingId: "R1",
          upheld: true,
          reasons: "恶意差评属实",
          decidedOn: "2026-05-06",
        },
      });
  });

  it("nothing is done on a loop that does not exist", () => {
    spec
      .given()
      .when({ type: "DoStep", data: { step: "verify", outcome: "founded" } })
      .thenThrows(NotFound);
  });
});

describe("a complaint on the same loop (国办发〔2020〕53号: 12345 接诉即办, 回访, 未解决的重新办理)", () => {
  const answered = [
    opened("complaint"),
    done("accept", "accepted", { step: "verify", dueOn: "2026-05-12" }),
    done("verify", "founded", { step: "answer", dueOn: "2026-05-26" }),
    done("answer", "rectified", { step: "call-back", dueOn: "2026-05-09" }),
  ];
  it("starts with the department's acceptance, due the next working day", () => {
    spec
      .given(opened("complaint"))
      .when({ type: "DoStep", data: { step: "accept", outcome: "accepted" }, metadata: at(officer) })
      .then(done("accept", "accepted", { step: "verify", dueOn: "2026-05-12" }));
  });
  it("a complainant not satisfied at the call-back: closing is refused, reopening sends it back to the department", () => {
    const unhappy = done("call-back", "reached-dissatisfied", { step: "close", dueOn: "2026-05-13" });
    spec
      .given(...answered, unhappy)
      .when({ type: "DoStep", data: { step: "close", outcome: "closed" } })
      .thenThrows(StateConflict, /reopen/);
    spec
      .given(...answered, unhappy)
      .when({ type: "ReopenFeedback", data: { reason: "问题未解决" } })
      .then({
        type: "FeedbackReopened",
        data: {
          feedbackId: "F1",
          reopenedOn: "2026-05-06",
          reason: "问题未解决",
          next: { step: "answer", dueOn: "2026-05-26" },
        },
      });
  });
  it("a complaint cannot end with a follow-up rating, and a 差评 is never reopened", () => {
    spec
      .given(...answered, done("call-back", "reached-satisfied", { step: "close", dueOn: "2026-05-13" }))
      .when({ type: "DoStep", data: { step: "close", outcome: "follow-up-rating" } })
      .thenThrows(RuleViolation);
    spec
      .given(opened("bad-rating"), done("close", "closed"))
      .when({ type: "ReopenFeedback", data: { reason: "x" } })
      .thenThrows(StateConflict);
  });
  it("a complaint names its channel and summary", () => {
    const {
      complaint: _c,
      step: _s,
      dueOn: _d,
      ...rest
    } = opened("complaint").data as Extract<FeedbackEvent, { type: "FeedbackOpened" }>["data"];
    spec.given().when({ type: "OpenFeedback", data: rest }).thenThrows(RuleViolation);
  });
});
