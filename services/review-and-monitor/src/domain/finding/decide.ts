import { chinaDate } from "@gov/calendar";
import {
  type CommandMetadata,
  type Decider,
  NotFound,
  NotPermitted,
  RuleViolation,
  StateConflict,
} from "@gov/eventsourcing";
import {
  type DecidePenalty,
  evolveFinding,
  type FindingCommand,
  type FindingEvent,
  type FindingState,
  type InspectionEvent,
  type InspectionState,
  initialFindingState,
  type RecordFalsePromise,
  type RecordInspection,
  type RecordViolation,
} from "./finding.ts";

export const findingDecider: Decider<FindingCommand, FindingEvent, FindingState> = {
  initialState: initialFindingState,
  evolve: evolveFinding,
  decide: decideFinding,
};

export function decideFinding(command: FindingCommand, state: FindingState): FindingEvent[] {
  switch (command.type) {
    case "RecordViolation":
      return recordViolation(command, state);
    case "DecidePenalty":
      return decidePenalty(command, state);
    case "RecordFalsePromise":
      return recordFalsePromise(command, state);
    default: {
      const never: never = command;
      return never;
    }
  }
}

/** A regulator records only its own department's findings (谁主管、谁监管). */
function mustBeRegulatorOf(command: { metadata: CommandMetadata }, creditCode: string) {
  const { actor } = command.metadata;
  if (actor.role !== "regulator" || actor.department !== creditCode)
    throw new NotPermitted("a regulator records findings of its own department only");
}

/**
 * A violation: the finding with its legal basis, and the measure it calls for — a penalty, or a request to
 * 撤销 (行政许可法 第六十九条), 注销 (第七十条) or 吊销 (行政处罚法 第九条) the permit, which needs the permit.
 */
function recordViolation(command: RecordViolation, state: FindingState): FindingEvent[] {
  const { violation, measure } = command.data;
  mustBeRegulatorOf(command, violation.department.creditCode);
  if (state.status !== "none") throw new StateConflict("this finding is recorded already");
  if (measure.measure !== "penalty" && !violation.permitId)
    throw new RuleViolation([
      { field: "permitId", message: "a request to 撤销, 注销 or 吊销 a permit names the permit" },
    ]);
  return [
    { type: "ViolationFound", data: violation },
    {
      type: "MeasureRequested",
      data: {
        findingId: violation.findingId,
        ...measure,
        legalBasis: violation.legalBasis,
        requestedOn: chinaDate(command.metadata.now),
      },
    },
  ];
}

/** 行政处罚法 第四十八条: a penalty decision is recorded once and published. */
function decidePenalty(command: DecidePenalty, state: FindingState): FindingEvent[] {
  if (state.status === "none") throw new NotFound("no such finding");
  if (state.status === "false-promise")
    throw new StateConflict("a false promise takes no penalty decision here");
  mustBeRegulatorOf(command, state.violation.department.creditCode);
  if (state.status === "decided") throw new StateConflict("a penalty was decided on this finding already");
  return [
    {
      type: "PenaltyDecided",
      data: { ...command.data, subject: state.violation.subject, department: state.violation.department },
    },
  ];
}

/** 国办发〔2020〕42号, 国发〔2021〕7号: a false 告知承诺 is a finding of the supervising department, published once. */
function recordFalsePromise(command: RecordFalsePromise, state: FindingState): FindingEvent[] {
  mustBeRegulatorOf(command, command.data.department.creditCode);
  if (state.status !== "none") throw new StateConflict("this finding is recorded already");
  return [{ type: "FalsePromiseFound", data: command.data }];
}

export const inspectionDecider: Decider<RecordInspection, InspectionEvent, InspectionState> = {
  initialState: () => ({ status: "none" }),
  evolve: (_s, e) => ({ status: "recorded", inspection: e.data }),
  decide: (command, state) => {
    mustBeRegulatorOf(command, command.data.department.creditCode);
    if (state.status !== "none") throw new StateConflict("this inspection is recorded already");
    return [{ type: "InspectionRecorded", data: command.data }];
  },
};
