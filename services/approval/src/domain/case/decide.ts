import { chinaDate } from "@gov/calendar";
import type { Actor } from "@gov/contracts";
import { type Decider, NotFound, NotPermitted, RuleViolation, StateConflict } from "@gov/eventsourcing";
import { autoApprovalReasons } from "./auto-approval.ts";
import type { CaseEvent, CaseFile, CaseState } from "./case.ts";
import { evolveCase, initialCaseState } from "./case.ts";
import {
  CERTIFICATE_DAYS,
  clockAt,
  dueOn,
  nextDay,
  STATUTORY,
  type WorkingDays,
  workingDaysIncluding,
} from "./clock.ts";
import type {
  CaseCommand,
  ClaimStep,
  CloseCase,
  CompleteStep,
  DecideCase,
  EndProcedure,
  GrantExtension,
  OpenCase,
  ReassignStep,
  RecordCertificate,
  ReturnStep,
  StartProcedure,
} from "./commands.ts";
import { type ApprovalRules, rightsText } from "./rules.ts";

interface Context {
  calendar: WorkingDays;
  rules: ApprovalRules;
  now: string;
  today: string;
  actor: Actor;
}

/** The case decider under a working-day calendar and the deployment's rules. Pure; throws domain errors. */
export function caseDecider(
  calendar: () => WorkingDays,
  rules: ApprovalRules,
): Decider<CaseCommand, CaseEvent, CaseState> {
  return {
    initialState: initialCaseState,
    evolve: evolveCase,
    decide: (command, state) => {
      const { now, actor } = command.metadata;
      return decideCase(command, state, { calendar: calendar(), rules, now, today: chinaDate(now), actor });
    },
  };
}

export function decideCase(command: CaseCommand, state: CaseState, ctx: Context): CaseEvent[] {
  switch (command.type) {
    case "OpenCase":
      return openCase(command, state, ctx);
    case "ClaimStep":
      return claimStep(command, actionable(state, ctx), ctx);
    case "CompleteStep":
      return completeStep(command, actionable(state, ctx), ctx);
    case "ReturnStep":
      return returnStep(command, actionable(state, ctx), ctx);
    case "ReassignStep":
      return reassignStep(command, actionable(state, ctx), ctx);
    case "StartProcedure":
      return startProcedure(command, actionable(state, ctx), ctx);
    case "EndProcedure":
      return endProcedure(command, actionable(state, ctx), ctx);
    case "GrantExtension":
      return grantExtension(command, actionable(state, ctx, ["department-head"]), ctx);
    case "DecideCase":
      return decide(command, actionable(state, ctx), ctx);
    case "RecordCertificate":
      return recordCertificate(command, state, ctx);
    case "CloseCase":
      return closeCase(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

function exists(state: CaseState): CaseFile & { status: "open" | "decided" | "closed" } {
  if (state.status === "none") throw new NotFound("no such case");
  return state;
}

/** After a decision no step changes (行政许可法 第三十八条: the decision ends the procedure). */
function open(state: CaseState): CaseFile {
  const s = exists(state);
  if (s.status === "decided") throw new StateConflict("the case is decided: no step can change any more");
  if (s.status === "closed") throw new StateConflict("the case is closed");
  return s;
}

const caseworkers = ["officer", "department-head"] as const;

/**
 * Access before state: the actor's role and department are checked before the case's status, so an officer of
 * another department is refused (403) even on a decided or closed case, and learns nothing of its state (409).
 * Only a case that does not exist at all answers 404 first: it has no department to check against.
 */
function actionable(state: CaseState, ctx: Context, roles: readonly string[] = caseworkers): CaseFile {
  const c = exists(state);
  ofDepartment(c, ctx.actor, roles);
  return open(c);
}

/** Role and department on every action (through `actionable`): officers of the implementing department only (fails closed). */
function ofDepartment(c: CaseFile, actor: Actor, roles: readonly string[] = caseworkers) {
  if (!roles.includes(actor.role)) throw new NotPermitted(`a ${actor.role} cannot act on a case`);
  if (!actor.department || actor.department !== c.opened.matter.department.creditCode)
    throw new NotPermitted("only the implementing department's officers act on this case");
}

/**
 * 受理 → 立案: one case per accepted application, with the clock counted from the day after acceptance
 * (行政许可法 第四十二条; joint handling 45 days, 第二十六条). An eligible 秒批 case is decided at once with no officer.
 */
export function openCase(command: OpenCase, state: CaseState, ctx: Context): CaseEvent[] {
  if (state.status !== "none") return [];
  const d = command.data;
  const kind = d.joint ? STATUTORY.joint : STATUTORY.single;
  const limitDays = d.joint ? kind.limit : d.matter.promisedTimeLimitDays;
  const statutoryLimitDays = d.joint ? kind.limit : d.matter.statutoryTimeLimitDays;
  const clock: CaseFile["opened"]["clock"] = {
    limitDays,
    statutoryLimitDays,
    joint: d.joint,
    countsFrom: nextDay(d.acceptedOn),
  };
  try {
    const due = ctx.calendar.addWorkingDays(d.acceptedOn, limitDays);
    clock.dueOn = due;
    clock.calendarVersion = ctx.calendar.versionsUsed(
      limitDays === 0 ? d.acceptedOn : nextDay(d.acceptedOn),
      due,
    );
  } catch (error) {
    if ((error as Error).name !== "CalendarYearNotLoadedError") throw error;
    clock.problem = (error as Error).message;
  }
  const split = splitLimits(d.steps, limitDays);
  const events: CaseEvent[] = [
    {
      type: "CaseOpened",
      data: {
        caseId: d.caseId,
        applicationId: d.applicationId,
        ...(d.bundleApplicationId ? { bundleApplicationId: d.bundleApplicationId } : {}),
        caseNumber: d.caseNumber,
        matter: d.matter,
        applicant: d.applicant,
        acceptanceMode: d.acceptanceMode,
        acceptedOn: d.acceptedOn,
        steps: split,
        clock,
        credit: d.credit,
        openedAt: ctx.now,
      },
    },
  ];
  if (!d.autoApproval.allows) return events;
  const reasons = autoApprovalReasons({
    allowsAutoApproval: d.autoApproval.allows,
    ...(d.autoApproval.rules ? { rules: d.autoApproval.rules } : {}),
    acceptanceMode: d.acceptanceMode,
    materials: d.autoApproval.materials,
    applicant: d.applicant,
    strictReview: d.credit.strictReview,
  });
  events.push({
    type: "AutoApprovalAssessed",
    data: { caseId: d.caseId, eligible: reasons.length === 0, reasons, assessedAt: ctx.now },
  });
  if (reasons.length > 0 || clock.problem) return events;
  const certificateDue = certificateDueOn(ctx, ctx.today);
  events.push({
    type: "CaseDecided",
    data: {
      caseId: d.caseId,
      outcome: "approved",
      auto: true,
      decidedBy: "auto-approval",
      decidedOn: ctx.today,
      decidedAt: ctx.now,
      workingDaysUsed: 0,
      withinLimit: true,
      ...(certificateDue ? { certificateDueOn: certificateDue } : {}),
      permitId: d.permitId,
    },
  });
  return events;
}

/** Each step's limit: the matter's, or the promised limit split over the steps (the remainder to the first ones). */
export function splitLimits(steps: { name: string; timeLimitDays?: number }[], limitDays: number) {
  const base = Math.floor(limitDays / steps.length);
  const extra = limitDays % steps.length;
  return steps.map((s, index) => ({
    index,
    name: s.name,
    timeLimitDays: s.timeLimitDays ?? base + (index < extra ? 1 : 0),
  }));
}

function certificateDueOn(ctx: Context, decidedOn: string): string | undefined {
  try {
    return ctx.calendar.addWorkingDays(decidedOn, CERTIFICATE_DAYS);
  } catch (error) {
    if ((error as Error).name !== "CalendarYearNotLoadedError") throw error;
    return undefined;
  }
}

function stepAt(c: CaseFile, index: number) {
  const step = c.steps[index];
  if (!step) throw new RuleViolation([{ field: "stepIndex", message: "no such step" }]);
  return step;
}

export function claimStep(command: ClaimStep, c: CaseFile, { actor, now }: Context): CaseEvent[] {
  const step = stepAt(c, command.data.stepIndex);
  if (step.status === "claimed" && step.officerId === actor.id) return [];
  if (step.status !== "open")
    throw new StateConflict(`step ${step.name} is ${step.status}, not open to claim`);
  return [
    {
      type: "StepClaimed",
      data: {
        caseId: c.opened.caseId,
        stepIndex: step.index,
        stepName: step.name,
        officerId: actor.id,
        department: actor.department as string,
        claimedAt: now,
      },
    },
  ];
}

function claimedBy(c: CaseFile, index: number, actor: Actor) {
  const step = stepAt(c, index);
  if (step.status !== "claimed") throw new StateConflict(`step ${step.name} is ${step.status}, not claimed`);
  if (step.officerId !== actor.id && actor.role !== "department-head")
    throw new NotPermitted(`step ${step.name} is claimed by another officer`);
  return step;
}

function noOngoingProcedure(c: CaseFile) {
  const ongoing = c.procedures.find((p) => !p.endedOn);
  if (ongoing) throw new StateConflict(`特别程序 ${ongoing.name} (${ongoing.procedureId}) is not closed`);
}

export function completeStep(command: CompleteStep, c: CaseFile, { actor, now }: Context): CaseEvent[] {
  const step = claimedBy(c, command.data.stepIndex, actor);
  noOngoingProcedure(c);
  return [
    {
      type: "StepCompleted",
      data: {
        caseId: c.opened.caseId,
        stepIndex: step.index,
        stepName: step.name,
        officerId: actor.id,
        opinion: command.data.opinion,
        recommendation: command.data.recommendation,
        completedAt: now,
      },
    },
  ];
}

/** 退回: the current step goes back to the one before it, with a reason. */
export function returnStep(command: ReturnStep, c: CaseFile, { actor, now }: Context): CaseEvent[] {
  const step = stepAt(c, command.data.stepIndex);
  if (step.status !== "open" && step.status !== "claimed")
    throw new StateConflict(`step ${step.name} is ${step.status}: only the current step is returned`);
  if (step.status === "claimed") claimedBy(c, step.index, actor);
  if (step.index === 0) throw new StateConflict("the first step has no previous step to return to");
  return [
    {
      type: "StepReturned",
      data: {
        caseId: c.opened.caseId,
        fromStep: step.index,
        toStep: step.index - 1,
        officerId: actor.id,
        reason: command.data.reason,
        returnedAt: now,
      },
    },
  ];
}

/** 转办: to a colleague of the same department (the claimer or a department head hands it on). */
export function reassignStep(command: ReassignStep, c: CaseFile, { actor, now }: Context): CaseEvent[] {
  const step = claimedBy(c, command.data.stepIndex, actor);
  if (step.officerId === command.data.toOfficerId)
    throw new StateConflict(`step ${step.name} is already with ${command.data.toOfficerId}`);
  return [
    {
      type: "StepReassigned",
      data: {
        caseId: c.opened.caseId,
        stepIndex: step.index,
        fromOfficerId: step.officerId as string,
        toOfficerId: command.data.toOfficerId,
        reason: command.data.reason,
        reassignedAt: now,
      },
    },
  ];
}

/**
 * 特别程序 (行政许可法 第四十五条): its working days are not counted, and the applicant is told in writing. One at a
 * time: an unclosed procedure or one overlapping an earlier one is a conflict.
 */
export function startProcedure(command: StartProcedure, c: CaseFile, ctx: Context): CaseEvent[] {
  const d = command.data;
  const name = ctx.rules.procedures[d.procedure];
  if (!name)
    throw new RuleViolation([
      { field: "procedure", message: `one of ${Object.keys(ctx.rules.procedures).join(", ")}` },
    ]);
  const problems = [];
  if (d.startedOn < c.opened.acceptedOn)
    problems.push({ field: "startedOn", message: "a procedure starts on or after acceptance" });
  if (d.expectedEndOn < d.startedOn)
    problems.push({ field: "expectedEndOn", message: "the expected end is on or after the start" });
  if (problems.length > 0) throw new RuleViolation(problems);
  const same = c.procedures.find((p) => p.procedureId === d.procedureId);
  if (same) throw new StateConflict(`procedure ${d.procedureId} was started already`);
  noOngoingProcedure(c);
  const overlapping = c.procedures.find((p) => p.endedOn !== undefined && d.startedOn <= p.endedOn);
  if (overlapping)
    throw new StateConflict(
      `overlaps 特别程序 ${overlapping.name} (${overlapping.startedOn}…${overlapping.endedOn})`,
    );
  return [
    {
      type: "SpecialProcedureStarted",
      data: {
        caseId: c.opened.caseId,
        procedureId: d.procedureId,
        procedure: d.procedure,
        name,
        startedOn: d.startedOn,
        expectedEndOn: d.expectedEndOn,
        legalBasis: d.legalBasis,
        notice: d.notice,
        officerId: ctx.actor.id,
        startedAt: ctx.now,
      },
    },
  ];
}

export function endProcedure(command: EndProcedure, c: CaseFile, ctx: Context): CaseEvent[] {
  const d = command.data;
  const p = c.procedures.find((x) => x.procedureId === d.procedureId);
  if (!p) throw new NotFound(`no procedure ${d.procedureId} on this case`);
  if (p.endedOn) throw new StateConflict(`procedure ${d.procedureId} ended on ${p.endedOn}`);
  if (d.endedOn < p.startedOn)
    throw new RuleViolation([{ field: "endedOn", message: `on or after ${p.startedOn}` }]);
  const daysExcluded = workingDaysIncluding(ctx.calendar, p.startedOn, d.endedOn);
  const after: CaseFile = {
    ...c,
    procedures: c.procedures.map((x) =>
      x.procedureId === p.procedureId ? { ...x, endedOn: d.endedOn, daysExcluded } : x,
    ),
  };
  return [
    {
      type: "SpecialProcedureEnded",
      data: {
        caseId: c.opened.caseId,
        procedureId: p.procedureId,
        endedOn: d.endedOn,
        daysExcluded,
        dueOn: dueOn(ctx.calendar, after, d.endedOn),
        ...(d.outcome ? { outcome: d.outcome } : {}),
        officerId: ctx.actor.id,
        endedAt: ctx.now,
      },
    },
  ];
}

/** 延长: once, +10 working days (+15 joint), with a reason, by the department head (行政许可法 第四十二条, 第二十六条). */
export function grantExtension(command: GrantExtension, c: CaseFile, ctx: Context): CaseEvent[] {
  if (c.extension) throw new StateConflict("the limit was extended once already (第四十二条: 延长十日 once)");
  const extraDays = c.opened.clock.joint ? STATUTORY.joint.extension : STATUTORY.single.extension;
  const extended: CaseFile = { ...c, extension: { extraDays } as CaseFile["extension"] };
  return [
    {
      type: "ExtensionGranted",
      data: {
        caseId: c.opened.caseId,
        extraDays,
        reason: command.data.reason,
        approvedBy: ctx.actor.id,
        dueOn: dueOn(ctx.calendar, extended, ctx.today),
        grantedOn: ctx.today,
        grantedAt: ctx.now,
      },
    },
  ];
}

/**
 * 准予 or 不予 (行政许可法 第三十八条) once every step is done: a refusal gives its reason, its legal basis and the
 * applicant's rights (行政复议 60 days, 行政诉讼 6 months; configurable). 准予 starts the certificate deadline (第四十四条).
 */
export function decide(command: DecideCase, c: CaseFile, ctx: Context): CaseEvent[] {
  const d = command.data;
  if (d.outcome === "refused") {
    const problems = [];
    if (!d.reason) problems.push({ field: "reason", message: "a refusal states its reason" });
    if (!d.legalBasis) problems.push({ field: "legalBasis", message: "a refusal states its legal basis" });
    if (problems.length > 0) throw new RuleViolation(problems);
  }
  const pending = c.steps.find((s) => s.status !== "done");
  if (pending) throw new StateConflict(`step ${pending.name} is not completed`);
  noOngoingProcedure(c);
  const clock = clockAt(ctx.calendar, c, ctx.today);
  const certificateDue = d.outcome === "approved" ? certificateDueOn(ctx, ctx.today) : undefined;
  return [
    {
      type: "CaseDecided",
      data: {
        caseId: c.opened.caseId,
        outcome: d.outcome,
        auto: false,
        decidedBy: ctx.actor.id,
        decidedOn: ctx.today,
        decidedAt: ctx.now,
        ...(d.outcome === "refused"
          ? {
              reason: d.reason,
              legalBasis: d.legalBasis,
              rightsNotice: {
                ...ctx.rules.rights,
                text: rightsText(ctx.rules.rights),
              },
            }
          : { permitId: d.permitId }),
        ...(clock.problem ? {} : { workingDaysUsed: clock.usedDays, withinLimit: clock.leftDays >= 0 }),
        ...(certificateDue ? { certificateDueOn: certificateDue } : {}),
      },
    },
  ];
}

/** The certificate issued for the approved case, within its deadline or not (第四十四条). */
export function recordCertificate(command: RecordCertificate, state: CaseState, _ctx: Context): CaseEvent[] {
  const c = exists(state);
  if (c.certificate) return [];
  if (c.decision?.outcome !== "approved") throw new StateConflict("only an approved case gets a certificate");
  const due = c.decision.certificateDueOn;
  return [
    {
      type: "CaseCertificateIssued",
      data: {
        caseId: c.opened.caseId,
        certificateNo: command.data.certificateNo,
        issuedOn: command.data.issuedOn,
        withinDeadline: due === undefined || command.data.issuedOn <= due,
      },
    },
  ];
}

/** The application ended at intake after acceptance: an undecided case closes; a decided one stays. */
export function closeCase(command: CloseCase, state: CaseState): CaseEvent[] {
  if (state.status !== "open") return [];
  return [{ type: "CaseClosed", data: { caseId: state.opened.caseId, ...command.data } }];
}
