import type { ReviewAndMonitorEventData } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";

type Data = ReviewAndMonitorEventData;
/** A finding's stream (`finding-<id>`): the violation, the measure it calls for, the penalty decision. */
export type FindingEvent =
  | { type: "ViolationFound"; data: Data["ViolationFound"] }
  | { type: "MeasureRequested"; data: Data["MeasureRequested"] }
  | { type: "PenaltyDecided"; data: Data["PenaltyDecided"] }
  | { type: "FalsePromiseFound"; data: Data["FalsePromiseFound"] };

export type RecordViolation = Command<
  "RecordViolation",
  {
    violation: Data["ViolationFound"];
    measure: Omit<Data["MeasureRequested"], "findingId" | "requestedOn" | "legalBasis">;
  }
>;
export type DecidePenalty = Command<"DecidePenalty", Omit<Data["PenaltyDecided"], "subject" | "department">>;
/** A 告知承诺 verification found the promise false (written with the verification's outcome). */
export type RecordFalsePromise = Command<"RecordFalsePromise", Data["FalsePromiseFound"]>;
export type FindingCommand = RecordViolation | DecidePenalty | RecordFalsePromise;

export type FindingState =
  | { status: "none" }
  | {
      status: "found" | "decided";
      violation: Data["ViolationFound"];
      measure: Data["MeasureRequested"]["measure"];
    }
  | { status: "false-promise"; promise: Data["FalsePromiseFound"] };

export const initialFindingState = (): FindingState => ({ status: "none" });

export function evolveFinding(state: FindingState, event: FindingEvent): FindingState {
  switch (event.type) {
    case "ViolationFound":
      return { status: "found", violation: event.data, measure: "penalty" };
    case "MeasureRequested":
      return state.status === "none" || state.status === "false-promise"
        ? state
        : { ...state, measure: event.data.measure };
    case "PenaltyDecided":
      return state.status === "none" || state.status === "false-promise"
        ? state
        : { ...state, status: "decided" };
    case "FalsePromiseFound":
      return { status: "false-promise", promise: event.data };
    default: {
      const never: never = event;
      return never;
    }
  }
}

/** An inspection's stream (`inspection-<id>`). */
export type InspectionEvent = { type: "InspectionRecorded"; data: Data["InspectionRecorded"] };
export type RecordInspection = Command<"RecordInspection", Data["InspectionRecorded"]>;
export type InspectionState =
  | { status: "none" }
  | { status: "recorded"; inspection: Data["InspectionRecorded"] };
