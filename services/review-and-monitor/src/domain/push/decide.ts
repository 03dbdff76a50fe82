import { chinaDate } from "@gov/calendar";
import { type Decider, NotFound, NotPermitted, StateConflict } from "@gov/eventsourcing";
import {
  type ClaimPush,
  type EvaluatePush,
  evolvePush,
  initialPushState,
  type PushCommand,
  type PushEvent,
  type PushState,
  type ReceivePush,
} from "./push.ts";

/** The claim deadline (working days, default 2) and who an unclaimed task is escalated to. */
export interface PushRules {
  addWorkingDays(start: string, days: number): string;
  claimDays: number;
  escalateTo: string;
}

export function pushDecider(rules: PushRules): Decider<PushCommand, PushEvent, PushState> {
  return { initialState: initialPushState, evolve: evolvePush, decide: (c, s) => decidePush(c, s, rules) };
}

export function decidePush(command: PushCommand, state: PushState, rules: PushRules): PushEvent[] {
  switch (command.type) {
    case "ReceivePush":
      return receive(command, state, rules);
    case "ClaimPush":
      return claim(command, state);
    case "EvaluatePush":
      return evaluate(command, state, rules);
    default: {
      const never: never = command;
      return never;
    }
  }
}

/**
 * 谁审批、谁监管 (国发〔2019〕18号): every decision and permit change becomes a task of the supervising department,
 * recorded even when it is the approving department itself. A redelivered push is nothing new.
 */
function receive(command: ReceivePush, state: PushState, rules: PushRules): PushEvent[] {
  if (state.status !== "none") return [];
  const d = command.data;
  return [
    { type: "PushReceived", data: { ...d, claimBy: rules.addWorkingDays(d.receivedOn, rules.claimDays) } },
  ];
}

/** 签收: an officer of the supervising department claims the task once. */
function claim(command: ClaimPush, state: PushState): PushEvent[] {
  if (state.status === "none") throw new NotFound("no such task");
  const { actor } = command.metadata;
  if (actor.role !== "officer" || actor.department !== state.push.supervisingDepartment.creditCode)
    throw new NotPermitted("only an officer of the supervising department claims this task");
  if (state.status === "claimed") throw new StateConflict("this task is claimed already");
  const claimedOn = chinaDate(command.metadata.now);
  return [
    {
      type: "PushClaimed",
      data: { pushId: state.push.pushId, claimedOn, late: claimedOn > state.push.claimBy },
    },
  ];
}

/** Unclaimed after its date: overdue, escalated to the level above; raised once. */
function evaluate(command: EvaluatePush, state: PushState, rules: PushRules): PushEvent[] {
  if (state.status !== "pending" || state.overdue) return [];
  const today = chinaDate(command.metadata.now);
  if (today <= state.push.claimBy) return [];
  const { pushId, supervisingDepartment, claimBy } = state.push;
  return [
    {
      type: "PushOverdue",
      data: { pushId, supervisingDepartment, claimBy, overdueOn: today, escalatedTo: rules.escalateTo },
    },
  ];
}
