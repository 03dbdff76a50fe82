import { chinaDate } from "@gov/calendar";
import type { FeedbackStep } from "@gov/contracts";
import {
  type CommandMetadata,
  type Decider,
  NotFound,
  NotPermitted,
  RuleViolation,
  StateConflict,
} from "@gov/eventsourcing";
import {
  type AppealRating,
  type DecideAppeal,
  type DoStep,
  evolveFeedback,
  type FeedbackCommand,
  type FeedbackEvent,
  type FeedbackState,
  initialFeedbackState,
  type OpenFeedback,
  type OpenLoop,
  type ReopenFeedback,
  stepOutcomes,
  stepPlan,
} from "./feedback.ts";

/** What the loop's deadlines are counted with: working days per step (config) and the calendar. */
export interface LoopRules {
  addWorkingDays(start: string, days: number): string;
  /** Working days each step has, counted from the day the step before ended. */
  stepDays: Record<FeedbackStep, number>;
}

/**
 * Default working days per step. 15 for the answer (rectification): 国办发〔2019〕51号 对实名差评…原则上在15个
 * 工作日内…整改. The others are this platform's defaults (configurable), not statutory figures.
 */
export const defaultStepDays: Record<FeedbackStep, number> = {
  accept: 1,
  "call-back": 3,
  verify: 5,
  answer: 15,
  close: 5,
};

/** Steps the supervising side does; the others are the responsible department's. */
const SUPERVISOR_STEPS = new Set<FeedbackStep>(["call-back", "verify", "close"]);

export function feedbackDecider(rules: LoopRules): Decider<FeedbackCommand, FeedbackEvent, FeedbackState> {
  return {
    initialState: initialFeedbackState,
    evolve: evolveFeedback,
    decide: (command, state) => decideFeedback(command, state, rules),
  };
}

export function decideFeedback(
  command: FeedbackCommand,
  state: FeedbackState,
  rules: LoopRules,
): FeedbackEvent[] {
  switch (command.type) {
    case "OpenFeedback":
      return open(command, state, rules);
    case "DoStep":
      return doStep(command, loop(state), rules);
    case "ReopenFeedback":
      return reopen(command, loop(state), rules);
    case "AppealRating":
      return appeal(command, loop(state));
    case "DecideAppeal":
      return decideAppeal(command, loop(state));
    default: {
      const never: never = command;
      return never;
    }
  }
}

function loop(state: FeedbackState): OpenLoop {
  if (state.status === "none") throw new NotFound("no such feedback loop");
  return state;
}

const today = (m: CommandMetadata) => chinaDate(m.now);

/** The responsible department's officer (its token's department), else refused (fails closed without the claim). */
function mustBeDepartment(m: CommandMetadata, s: OpenLoop) {
  if (m.actor.role !== "officer" || m.actor.department !== s.department.creditCode)
    throw new NotPermitted(`only an officer of ${s.department.name} may do this`);
}
function mustBeSupervisor(m: CommandMetadata) {
  if (m.actor.role !== "supervisor") throw new NotPermitted("only the supervising side may do this");
}

/** 国办发〔2019〕51号: every 差评 is followed up (回访 100 %); a complaint starts with its routing to the department. */
function open(command: OpenFeedback, state: FeedbackState, rules: LoopRules): FeedbackEvent[] {
  if (state.status !== "none") throw new StateConflict("this feedback loop is already open");
  const d = command.data;
  if (d.kind === "complaint" && !d.complaint)
    throw new RuleViolation([{ field: "complaint", message: "a complaint names its channel and summary" }]);
  const step = stepPlan[d.kind][0] as FeedbackStep;
  return [
    {
      type: "FeedbackOpened",
      data: { ...d, step, dueOn: rules.addWorkingDays(d.openedOn, rules.stepDays[step]) },
    },
  ];
}

function doStep(command: DoStep, s: OpenLoop, rules: LoopRules): FeedbackEvent[] {
  const { step, outcome, note } = command.data;
  if (s.status === "closed") throw new StateConflict("this feedback loop is closed");
  if (s.step !== step) throw new StateConflict(`the step due is ${s.step}, not ${step}`);
  if (SUPERVISOR_STEPS.has(step)) mustBeSupervisor(command.metadata);
  else mustBeDepartment(command.metadata, s);
  if (!stepOutcomes[step].includes(outcome))
    throw new RuleViolation([
      { field: "outcome", message: `${step} ends with one of ${stepOutcomes[step].join(", ")}` },
    ]);
  // 国办发〔2019〕51号: a founded 差评 is rectified; an unfounded one is explained.
  if (step === "answer") {
    const expected = s.outcomes.verify === "founded" ? "rectified" : "explained";
    if (outcome !== expected)
      throw new RuleViolation([
        { field: "outcome", message: `a ${s.outcomes.verify} ${s.kind} is answered: ${expected}` },
      ]);
  }
  // A complaint whose complainant is not satisfied is reopened, not closed (国办发〔2020〕53号: 未解决的重新办理).
  if (step === "close" && s.kind === "complaint" && s.outcomes["call-back"] === "reached-dissatisfied")
    throw new StateConflict("the complainant is not satisfied: reopen the complaint instead of closing it");
  if (step === "close" && outcome === "follow-up-rating" && s.kind !== "bad-rating")
    throw new RuleViolation([{ field: "outcome", message: "only a 差评 ends with a follow-up rating" }]);
  const doneOn = today(command.metadata);
  const plan = stepPlan[s.kind];
  const nextStep = plan[plan.indexOf(step) + 1];
  return [
    {
      type: "FeedbackStepDone",
      data: {
        feedbackId: s.feedbackId,
        step,
        doneOn,
        late: s.dueOn !== undefined && doneOn > s.dueOn,
        outcome,
        ...(note ? { note } : {}),
        ...(nextStep
          ? { next: { step: nextStep, dueOn: rules.addWorkingDays(doneOn, rules.stepDays[nextStep]) } }
          : {}),
      },
    },
  ];
}

/** 国办发〔2020〕53号: a complaint not resolved is handled again; the department answers anew. */
function reopen(command: ReopenFeedback, s: OpenLoop, rules: LoopRules): FeedbackEvent[] {
  mustBeSupervisor(command.metadata);
  if (s.kind !== "complaint") throw new StateConflict("only a complaint is reopened");
  const unresolved = s.outcomes["call-back"] === "reached-dissatisfied" || s.status === "closed";
  if (!unresolved)
    throw new StateConflict("a complaint is reopened after a dissatisfied call-back or once closed");
  const reopenedOn = today(command.metadata);
  return [
    {
      type: "FeedbackReopened",
      data: {
        feedbackId: s.feedbackId,
        reopenedOn,
        reason: command.data.reason,
        next: { step: "answer", dueOn: rules.addWorkingDays(reopenedOn, rules.stepDays.answer) },
      },
    },
  ];
}

/** 国办发〔2019〕51号: the rated department may appeal a malicious 差评 (恶意差评) once. */
function appeal(command: AppealRating, s: OpenLoop): FeedbackEvent[] {
  mustBeDepartment(command.metadata, s);
  if (s.kind !== "bad-rating" || !s.ratingId) throw new StateConflict("only a 差评 can be appealed");
  if (s.appeal) throw new StateConflict("this rating was appealed already");
  return [
    {
      type: "MaliciousRatingAppealed",
      data: {
        feedbackId: s.feedbackId,
        ratingId: s.ratingId,
        grounds: command.data.grounds,
        appealedOn: today(command.metadata),
      },
    },
  ];
}

/** The supervising side decides; an upheld appeal leaves the rating recorded and out of the KPIs. */
function decideAppeal(command: DecideAppeal, s: OpenLoop): FeedbackEvent[] {
  mustBeSupervisor(command.metadata);
  if (s.appeal?.status !== "filed" || !s.ratingId) throw new StateConflict("no appeal awaits a decision");
  return [
    {
      type: "MaliciousRatingAppealDecided",
      data: {
        feedbackId: s.feedbackId,
        ratingId: s.ratingId,
        upheld: command.data.upheld,
        reasons: command.data.reasons,
        decidedOn: today(command.metadata),
      },
    },
  ];
}
