import { isDeepStrictEqual } from "node:util";
import { type Decider, type FieldProblem, RuleViolation } from "@gov/eventsourcing";
import {
  type BaselineCommand,
  type BaselineContent,
  type BaselineEvent,
  type BaselineState,
  evolveBaseline,
  initialBaselineState,
  type RecordBaseline,
} from "./baseline.ts";

/** The baseline decider: version 1 of a figure, then corrections. Pure; throws domain errors. */
export function decideBaseline(command: BaselineCommand, state: BaselineState): BaselineEvent[] {
  switch (command.type) {
    case "RecordBaseline":
      return recordBaseline(command, state);
    default: {
      const unreachable: never = command.type;
      throw new Error(`unknown command ${String(unreachable)}`);
    }
  }
}

export const baselineDecider: Decider<BaselineCommand, BaselineEvent, BaselineState> = {
  initialState: initialBaselineState,
  evolve: evolveBaseline,
  decide: decideBaseline,
};

/**
 * The same content again is no change (nothing stored); different content is a correction, the next version,
 * which must say why — the figure a KPI is measured against never changes silently.
 */
function recordBaseline({ data, metadata }: RecordBaseline, state: BaselineState): BaselineEvent[] {
  const { measure, reason } = data;
  const problems = checkContent(data, chinaDate(metadata.now));
  if (problems.length > 0) throw new RuleViolation(problems);
  const content = normalise(data);
  if (state.status === "unrecorded") {
    return [{ type: "BaselineRecorded", data: { measure, version: 1, ...content } }];
  }
  if (isDeepStrictEqual(content, normalise(state.content))) return [];
  if (!reason?.trim())
    throw new RuleViolation([
      { field: "reason", message: `a correction of ${measure} version ${state.version} must say why` },
    ]);
  return [
    {
      type: "BaselineRecorded",
      data: {
        measure,
        version: state.version + 1,
        ...content,
        supersedesVersion: state.version,
        reason: reason.trim(),
      },
    },
  ];
}

function checkContent(data: BaselineContent, today: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!Number.isInteger(data.count) || data.count < 1)
    problems.push({ field: "count", message: "a whole number of materials, at least 1" });
  // A baseline describes the catalog before the reform: a date that has not come yet cannot be one.
  if (data.asOf > today)
    problems.push({
      field: "asOf",
      message: `${data.asOf} is after today (${today}); a baseline is a past figure`,
    });
  return problems;
}

/** The content as stored: the source's optional parts only when given, its strings trimmed. */
function normalise({ count, asOf, source }: BaselineContent): BaselineContent {
  return {
    count,
    asOf,
    source: {
      title: source.title.trim(),
      ...(source.number?.trim() ? { number: source.number.trim() } : {}),
      ...(source.url ? { url: source.url } : {}),
    },
  };
}

/** The calendar date in China (UTC+8) of an instant, YYYY-MM-DD. */
function chinaDate(instant: string): string {
  return new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 10);
}
