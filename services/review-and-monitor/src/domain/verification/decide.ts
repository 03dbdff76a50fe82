import { chinaDate } from "@gov/calendar";
import { type Decider, NotFound, NotPermitted, RuleViolation, StateConflict } from "@gov/eventsourcing";
import { type WatchRules, warningDue } from "../watch/decide.ts";
import {
  COMMITMENT_SCHEME,
  periodOf,
  periodSeed,
  SAMPLING_ALGORITHM,
  samplingDraw,
  seedCommitment,
  taskSeed,
} from "./sampling.ts";
import {
  type ConcludeVerification,
  type EvaluateVerification,
  evolveVerification,
  initialVerificationState,
  type OpenVerification,
  type VerificationCommand,
  type VerificationEvent,
  type VerificationState,
  verificationClockId,
} from "./verification.ts";

/** The configured defaults and the deadline of a 告知承诺 verification task. */
export interface VerificationRules extends WatchRules {
  addWorkingDays(start: string, days: number): string;
  /** Working days the supervising department has to verify a sampled promise. */
  verificationDays: number;
  /**
   * The secret the months' seeds are derived from (`REVIEW_SAMPLING_SEED`). Never recorded: a task records its own
   * seed and a commitment to its month's seed, which is revealed after the month (commit-reveal).
   */
  seed: string;
  /** Method and ratio for a matter version that names none. */
  defaults: { method: "written" | "online-check" | "on-site" | "public-notice"; samplingRatio: number };
}

export function verificationDecider(
  rules: VerificationRules,
): Decider<VerificationCommand, VerificationEvent, VerificationState> {
  return {
    initialState: initialVerificationState,
    evolve: evolveVerification,
    decide: (command, state) => decideVerification(command, state, rules),
  };
}

export function decideVerification(
  command: VerificationCommand,
  state: VerificationState,
  rules: VerificationRules,
): VerificationEvent[] {
  switch (command.type) {
    case "OpenVerification":
      return open(command, state, rules);
    case "ConcludeVerification":
      return conclude(command, state);
    case "EvaluateVerification":
      return evaluate(command, state, rules);
    default: {
      const never: never = command;
      return never;
    }
  }
}

/**
 * 国办发〔2020〕42号 (国务院办公厅关于全面推行证明事项告知承诺制的指导意见; for permits, 国发〔2021〕7号): a permit granted on a promise is verified afterwards, in the way and to the
 * extent the matter sets. Every permit gets its task; the seeded draw decides whether it is sampled, and a sampled
 * task is due within the configured working days. A redelivery is nothing new. The draw's seed is the task's own,
 * committed to its month's seed (revealed after the month: `SamplingSeedRevealed`), so no task discloses another's.
 */
function open(
  command: OpenVerification,
  state: VerificationState,
  rules: VerificationRules,
): VerificationEvent[] {
  if (state.status !== "none") return [];
  const { rules: fromMatter, ...task } = command.data;
  const { method, samplingRatio } = fromMatter ?? rules.defaults;
  // Commit-reveal: the task's own seed, derived from the month's; the month's seed stays secret until it ends.
  const period = periodOf(task.openedOn);
  const monthSeed = periodSeed(rules.seed, period);
  const seed = taskSeed(monthSeed, task.permitId);
  const draw = samplingDraw(seed, task.permitId);
  const sampled = draw < samplingRatio;
  const commitment = { scheme: COMMITMENT_SCHEME, period, periodSeedSha256: seedCommitment(monthSeed) };
  return [
    {
      type: "PromiseVerificationOpened",
      data: {
        ...task,
        method,
        samplingRatio,
        rulesFrom: fromMatter ? "matter" : "default",
        sampling: { algorithm: SAMPLING_ALGORITHM, seed, draw, sampled, commitment },
        ...(sampled ? { dueOn: rules.addWorkingDays(task.openedOn, rules.verificationDays) } : {}),
      },
    },
  ];
}

/**
 * The supervising department's regulator records the outcome once: verified, or false — a false promise is a
 * finding (`FalsePromiseFound`, written beside this event) that credit lists and approval turns into 撤销
 * (国办发〔2020〕42号; 国发〔2021〕7号; 行政许可法 第六十九条第二款). Its warnings are cleared.
 */
function conclude(command: ConcludeVerification, state: VerificationState): VerificationEvent[] {
  if (state.status === "none") throw new NotFound("no such verification task");
  const { actor, now } = command.metadata;
  if (actor.role !== "regulator" || actor.department !== state.task.department.creditCode)
    throw new NotPermitted("a regulator of the supervising department verifies this promise");
  if (state.status === "concluded") throw new StateConflict("this promise was verified already");
  if (state.status === "not-sampled")
    throw new StateConflict("this permit was not drawn for verification (see its sampling)");
  const { outcome, note, findingId } = command.data;
  if (outcome === "false" && !findingId)
    throw new RuleViolation([{ field: "findingId", message: "a false promise is recorded as a finding" }]);
  const doneOn = chinaDate(now);
  const clockId = verificationClockId(state.task.verificationId);
  return [
    ...state.raised.map(
      (level): VerificationEvent => ({
        type: "DeadlineWarningCleared",
        data: { clockId, level, clearedOn: doneOn, reason: `verified: ${outcome}` },
      }),
    ),
    {
      type: "PromiseVerificationConcluded",
      data: {
        verificationId: state.task.verificationId,
        outcome,
        doneOn,
        late: state.task.dueOn !== undefined && doneOn > state.task.dueOn,
        ...(note ? { note } : {}),
        ...(outcome === "false" ? { findingId } : {}),
      },
    },
  ];
}

/** Yellow and red warnings on the task's deadline, once per threshold (the same rule as every clock here). */
function evaluate(
  command: EvaluateVerification,
  state: VerificationState,
  rules: VerificationRules,
): VerificationEvent[] {
  if (state.status !== "open" || !state.task.dueOn) return [];
  const today = chinaDate(command.metadata.now);
  const dueOn = state.task.dueOn;
  const due = warningDue({ dueOn, raised: state.raised }, today, rules);
  if (!due) return [];
  return [
    {
      type: "DeadlineWarningRaised",
      data: {
        clockId: verificationClockId(state.task.verificationId),
        level: due.level,
        department: state.task.department,
        dueOn,
        workingDaysLeft: due.left,
        raisedOn: today,
      },
    },
  ];
}
