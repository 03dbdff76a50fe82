import { chinaDate, deadlineLevel } from "@gov/calendar";
import { type Decider, NotFound, NotPermitted, StateConflict } from "@gov/eventsourcing";
import {
  type EvaluateClock,
  evolveWatch,
  initialWatchState,
  type Level,
  type RescheduleClock,
  type StartClock,
  type StopClock,
  type UrgeHandling,
  type WatchCommand,
  type WatchEvent,
  type WatchState,
} from "./watch.ts";

/** How a clock is read: the calendar, and how many working days left make a yellow warning (default 2). */
export interface WatchRules {
  workingDaysBetween(from: string, to: string): number;
  yellowDays: number;
}

export function watchDecider(rules: WatchRules): Decider<WatchCommand, WatchEvent, WatchState> {
  return {
    initialState: initialWatchState,
    evolve: evolveWatch,
    decide: (command, state) => decideWatch(command, state, rules),
  };
}

export function decideWatch(command: WatchCommand, state: WatchState, rules: WatchRules): WatchEvent[] {
  switch (command.type) {
    case "StartClock":
      return start(command, state);
    case "StopClock":
      return stop(command, state);
    case "EvaluateClock":
      return evaluate(command, state, rules);
    case "UrgeHandling":
      return urge(command, state);
    case "RescheduleClock":
      return reschedule(command, state);
    default: {
      const never: never = command;
      return never;
    }
  }
}

type Running = Exclude<WatchState, { status: "none" }>;
const cleared = (s: Running, on: string, reason: string): WatchEvent[] =>
  s.raised.map((level) => ({
    type: "DeadlineWarningCleared",
    data: { clockId: s.clockId, level, clearedOn: on, reason },
  }));

/** A clock (re)starts with a deadline; a restart with a new deadline clears what the old one raised. */
function start(command: StartClock, state: WatchState): WatchEvent[] {
  const d = command.data;
  if (state.status === "running" && state.dueOn === d.dueOn && state.refId === d.refId) return [];
  const before = state.status === "running" ? cleared(state, d.startedOn, "the clock restarted") : [];
  return [...before, { type: "ClockStarted", data: d }];
}

/** The case moved on (a notice, a decision, a supply, a step done): its warnings are cleared. */
function stop(command: StopClock, state: WatchState): WatchEvent[] {
  if (state.status !== "running") return [];
  const on = chinaDate(command.metadata.now);
  return [
    ...cleared(state, on, command.data.reason),
    { type: "ClockStopped", data: { clockId: state.clockId, stoppedOn: on, reason: command.data.reason } },
  ];
}

/**
 * Yellow when at most `yellowDays` working days are left, red once the deadline has passed; each raised once per
 * threshold however often the scheduler looks (国办发〔2019〕51号 and 国办发〔2018〕45号 ask for 办件时限预警). Working
 * days per 行政许可法 第八十二条.
 */
function evaluate(command: EvaluateClock, state: WatchState, rules: WatchRules): WatchEvent[] {
  if (state.status !== "running") return [];
  const today = chinaDate(command.metadata.now);
  const due = warningDue(state, today, rules);
  if (!due) return [];
  return [
    {
      type: "DeadlineWarningRaised",
      data: {
        clockId: state.clockId,
        level: due.level,
        department: state.department,
        dueOn: state.dueOn,
        workingDaysLeft: due.left,
        raisedOn: today,
      },
    },
  ];
}

/**
 * The warning a deadline calls for on `today`, if one is not raised yet: yellow at most `yellowDays` working days
 * before, red after it. Shared by every deadline this service follows (clocks, 告知承诺 verification tasks).
 */
export function warningDue(
  clock: { dueOn: string; raised: readonly Level[] },
  today: string,
  rules: WatchRules,
): { level: Level; left: number } | undefined {
  const left =
    today <= clock.dueOn
      ? rules.workingDaysBetween(today, clock.dueOn)
      : -rules.workingDaysBetween(clock.dueOn, today);
  // The platform's one deadline rule, the one approval's flags show (@gov/calendar `deadlineLevel`).
  const shown = deadlineLevel(today, clock.dueOn, left, rules.yellowDays);
  const level: Level | undefined = shown === "green" ? undefined : shown;
  if (!level || clock.raised.includes(level) || (level === "yellow" && clock.raised.includes("red")))
    return undefined;
  return { level, left };
}

/** 催办: the supervising side urges the department handling a running clock. */
function urge(command: UrgeHandling, state: WatchState): WatchEvent[] {
  if (command.metadata.actor.role !== "supervisor") throw new NotPermitted("only the supervising side urges");
  if (state.status === "none") throw new NotFound("no such clock");
  if (state.status !== "running") throw new StateConflict("the clock has stopped: nothing to urge");
  return [
    {
      type: "HandlingUrged",
      data: {
        clockId: state.clockId,
        department: state.department,
        note: command.data.note,
        urgedOn: chinaDate(command.metadata.now),
      },
    },
  ];
}

/**
 * An extension (行政许可法 第四十二条) or the end of a 特别程序 (第四十五条: not counted in the limit) moves the due date:
 * the clock runs again towards it, the old warnings cleared. An unknown clock is nothing to follow.
 */
function reschedule(command: RescheduleClock, state: WatchState): WatchEvent[] {
  if (state.status === "none") return [];
  const { dueOn } = command.data;
  if (state.status === "running" && state.dueOn === dueOn) return [];
  const on = chinaDate(command.metadata.now);
  const before = state.status === "running" ? cleared(state, on, "the due date moved") : [];
  const { clockId, kind, refId, department } = state;
  return [
    ...before,
    { type: "ClockStarted", data: { clockId, kind, refId, department, startedOn: on, dueOn } },
  ];
}
