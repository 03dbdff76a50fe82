import type { BaselineMeasure, MattersEventData } from "@gov/contracts";
import type { Command } from "@gov/eventsourcing";

/**
 * A figure a catalog KPI is measured against (stream `baseline-<measure>`), e.g. how many materials applicants
 * were asked for before the reform, against which "materials reduced" is computed (国办发〔2018〕45号: 材料减少
 * 60%以上). Recorded as data with the date it describes and the public document it comes from, so that the KPI
 * shows where its denominator comes from; a correction is the next version, with its reason.
 */
export type BaselineEvent = { type: "BaselineRecorded"; data: MattersEventData["BaselineRecorded"] };

/** What a version says. */
export type BaselineContent = Pick<MattersEventData["BaselineRecorded"], "count" | "asOf" | "source">;

export type BaselineState =
  | { status: "unrecorded" }
  | { status: "recorded"; measure: BaselineMeasure; version: number; content: BaselineContent };

export type RecordBaseline = Command<
  "RecordBaseline",
  BaselineContent & {
    measure: BaselineMeasure;
    /** Why a recorded figure is corrected (required for a correction). */
    reason?: string;
  }
>;
export type BaselineCommand = RecordBaseline;

export const initialBaselineState = (): BaselineState => ({ status: "unrecorded" });

export function evolveBaseline(_state: BaselineState, event: BaselineEvent): BaselineState {
  switch (event.type) {
    case "BaselineRecorded": {
      const { measure, version, count, asOf, source } = event.data;
      return { status: "recorded", measure, version, content: { count, asOf, source } };
    }
    default: {
      const unreachable: never = event.type;
      return unreachable;
    }
  }
}
