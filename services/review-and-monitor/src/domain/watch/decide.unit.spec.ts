import { seedCalendar } from "@gov/calendar";
import { NotPermitted, StateConflict } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, it } from "vitest";
import { watchDecider } from "./decide.ts";
import type { WatchEvent } from "./watch.ts";

const calendar = seedCalendar();
const decider = watchDecider({
  workingDaysBetween: (a, b) => calendar.workingDaysBetween(a, b),
  yellowDays: 2,
});
const system = { id: "scheduler", role: "system" } as const;
const on = (date: string) => ({ now: `${date}T09:00:00+08:00`, actor: system });
const spec = deciderSpec(decider, { metadata: on("2026-05-06") });
const department = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };

// Due on Tuesday 2026-05-12; Saturday 2026-05-09 is a make-up working day, Sunday 05-10 is not.
const started: WatchEvent = {
  type: "ClockStarted",
  data: {
    clockId: "limit.A1",
    kind: "promised-time-limit",
    refId: "A1",
    department,
    startedOn: "2026-05-06",
    dueOn: "2026-05-12",
  },
};
const raised = (level: "yellow" | "red", raisedOn: string, workingDaysLeft: number): WatchEvent => ({
  type: "DeadlineWarningRaised",
  data: { clockId: "limit.A1", level, department, dueOn: "2026-05-12", workingDaysLeft, raisedOn },
});
const evaluate = (date: string) => ({ type: "EvaluateClock" as const, data: {}, metadata: on(date) });

describe("deadline warnings (时限预警; working days: 行政许可法 第八十二条)", () => {
  it("nothing while more than 2 working days are left", () => {
    spec.given(started).when(evaluate("2026-05-07")).thenNothingHappened();
  });
  it("yellow at 2 working days left, counting the make-up Saturday and not the Sunday", () => {
    spec
      .given(started)
      .when(evaluate("2026-05-09"))
      .then(raised("yellow", "2026-05-09", 2));
  });
  it("yellow is raised once per threshold, not once per run", () => {
    spec
      .given(started, raised("yellow", "2026-05-09", 2))
      .when(evaluate("2026-05-11"))
      .thenNothingHappened();
  });
  it("on the due day it is still yellow (0 left), the day after red", () => {
    spec
      .given(started, raised("yellow", "2026-05-09", 2))
      .when(evaluate("2026-05-12"))
      .thenNothingHappened();
    spec
      .given(started, raised("yellow", "2026-05-09", 2))
      .when(evaluate("2026-05-13"))
      .then(raised("red", "2026-05-13", -1));
  });
  it("red is raised once, and no yellow after it", () => {
    spec
      .given(started, raised("red", "2026-05-13", -1))
      .when(evaluate("2026-05-20"))
      .thenNothingHappened();
  });
  it("the case moving on clears the warnings raised and stops the clock", () => {
    spec
      .given(started, raised("yellow", "2026-05-09", 2))
      .when({ type: "StopClock", data: { reason: "accepted" }, metadata: on("2026-05-11") })
      .then(
        {
          type: "DeadlineWarningCleared",
          data: { clockId: "limit.A1", level: "yellow", clearedOn: "2026-05-11", reason: "accepted" },
        },
        { type: "ClockStopped", data: { clockId: "limit.A1", stoppedOn: "2026-05-11", reason: "accepted" } },
      );
    spec
      .given(started, {
        type: "ClockStopped",
        data: { clockId: "limit.A1", stoppedOn: "2026-05-11", reason: "x" },
      })
      .when(evaluate("2026-05-20"))
      .thenNothingHappened();
  });
  it("a restart with the same deadline is nothing new; with a new one it clears the old warnings", () => {
    spec
      .given(started)
      .when({ type: "StartClock", data: started.data as never })
      .thenNothingHappened();
    const later = { ...(started.data as object), dueOn: "2026-05-26", startedOn: "2026-05-11" } as never;
    spec
      .given(started, raised("yellow", "2026-05-09", 2))
      .when({ type: "StartClock", data: later })
      .then(
        {
          type: "DeadlineWarningCleared",
          data: {
            clockId: "limit.A1",
            level: "yellow",
            clearedOn: "2026-05-11",
            reason: "the clock restarted",
          },
        },
        { type: "ClockStarted", data: later },
      );
  });
  it("催办 is the supervisor's, addressed to the clock's department, and only while the clock runs", () => {
    const supervisor = { now: "2026-05-11T09:00:00+08:00", actor: { id: "s1", role: "supervisor" as const } };
    spec
      .given(started)
      .when({ type: "UrgeHandling", data: { note: "请加快办理" }, metadata: supervisor })
      .then({
        type: "HandlingUrged",
        data: { clockId: "limit.A1", department, note: "请加快办理", urgedOn: "2026-05-11" },
      });
    spec
      .given(started)
      .when({ type: "UrgeHandling", data: { note: "x" } })
      .thenThrows(NotPermitted);
    spec
      .given(started, {
        type: "ClockStopped",
        data: { clockId: "limit.A1", stoppedOn: "2026-05-11", reason: "x" },
      })
      .when({ type: "UrgeHandling", data: { note: "x" }, metadata: supervisor })
      .thenThrows(StateConflict);
  });
});
