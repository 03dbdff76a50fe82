import type { DepartmentRef, ReviewAndMonitorEventData } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";

type Data = ReviewAndMonitorEventData;
export type WatchEvent =
  | { type: "ClockStarted"; data: Data["ClockStarted"] }
  | { type: "ClockStopped"; data: Data["ClockStopped"] }
  | { type: "DeadlineWarningRaised"; data: Data["DeadlineWarningRaised"] }
  | { type: "DeadlineWarningCleared"; data: Data["DeadlineWarningCleared"] }
  | { type: "HandlingUrged"; data: Data["HandlingUrged"] };

export type StartClock = Command<
  "StartClock",
  Omit<Data["ClockStarted"], "startedOn"> & { startedOn: string }
>;
export type StopClock = Command<"StopClock", { reason: string }>;
/** The scheduler looks at the clock on the command's business date. */
export type EvaluateClock = Command<"EvaluateClock", Record<string, never>>;
export type UrgeHandling = Command<"UrgeHandling", { note: string }>;
/** A new due date for a clock already known (an extension, the end of a pause): it runs again towards it. */
export type RescheduleClock = Command<"RescheduleClock", { dueOn: string }>;
export type WatchCommand = StartClock | StopClock | EvaluateClock | UrgeHandling | RescheduleClock;

export type Level = "yellow" | "red";
export type WatchState =
  | { status: "none" }
  | {
      status: "running" | "stopped";
      clockId: string;
      kind: Data["ClockStarted"]["kind"];
      refId: string;
      department: DepartmentRef;
      dueOn: string;
      /** Warnings raised and not cleared. */
      raised: Level[];
    };

export const initialWatchState = (): WatchState => ({ status: "none" });

export function evolveWatch(state: WatchState, event: WatchEvent): WatchState {
  if (event.type === "ClockStarted") {
    const { clockId, kind, refId, department, dueOn } = event.data;
    return { status: "running", clockId, kind, refId, department, dueOn, raised: [] };
  }
  if (state.status === "none") return state;
  switch (event.type) {
    case "ClockStopped":
      return { ...state, status: "stopped" };
    case "DeadlineWarningRaised":
      return { ...state, raised: [...state.raised, event.data.level] };
    case "DeadlineWarningCleared":
      return { ...state, raised: state.raised.filter((l) => l !== event.data.level) };
    case "HandlingUrged":
      return state;
    default: {
      const never: never = event;
      return never;
    }
  }
}
