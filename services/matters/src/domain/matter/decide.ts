import type { DepartmentRef, MatterElements } from "@gov/contracts";
import {
  type CommandMetadata,
  type Decider,
  NotFound,
  NotPermitted,
  RuleViolation,
  StateConflict,
} from "@gov/eventsourcing";
import type {
  CancelTransfer,
  ClaimMatter,
  ConfirmTransfer,
  DraftMatter,
  MatterCommand,
  PublishMatter,
  RequestTransfer,
  ResumeMatter,
  RetireMatter,
  ReviseMatter,
  SuspendMatter,
} from "./commands.ts";
import { checkMatterElements } from "./invariants.ts";
import {
  type ActiveMatter,
  evolveMatter,
  initialMatterState,
  type MatterEvent,
  type MatterState,
  publishedOf,
} from "./matter.ts";

/** The matter decider: which events follow from a command in a state. Pure; throws domain errors. */
export function decideMatter(command: MatterCommand, state: MatterState): MatterEvent[] {
  switch (command.type) {
    case "DraftMatter":
      return draftMatter(command, state);
    case "ReviseMatter":
      return reviseMatter(command, state);
    case "ClaimMatter":
      return claimMatter(command, state);
    case "PublishMatter":
      return publishMatter(command, state);
    case "SuspendMatter":
      return suspendMatter(command, state);
    case "ResumeMatter":
      return resumeMatter(command, state);
    case "RetireMatter":
      return retireMatter(command, state);
    case "RequestTransfer":
      return requestTransfer(command, state);
    case "ConfirmTransfer":
      return confirmTransfer(command, state);
    case "CancelTransfer":
      return cancelTransfer(command, state);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

export const matterDecider: Decider<MatterCommand, MatterEvent, MatterState> = {
  initialState: initialMatterState,
  evolve: evolveMatter,
  decide: decideMatter,
};

function draftMatter({ data }: DraftMatter, state: MatterState): MatterEvent[] {
  if (state.status !== "none") throw new StateConflict(`matter ${data.matterId} already exists`);
  assertValid(data.elements);
  return [{ type: "MatterDrafted", data: { matterId: data.matterId, version: 1, elements: data.elements } }];
}

/** Editing a published matter drafts the next version; the published one stays in force, unchanged. */
function reviseMatter({ data: { elements } }: ReviseMatter, state: MatterState): MatterEvent[] {
  const m = active(state);
  assertValid(elements);
  const current = m.draft?.elements ?? publishedOf(m)?.elements;
  if (current && current.implementingDepartment.creditCode !== elements.implementingDepartment.creditCode) {
    throw new RuleViolation([
      {
        field: "elements.implementingDepartment",
        message: "the implementing department changes only by a transfer",
      },
    ]);
  }
  if (m.draft) {
    return [
      { type: "MatterDraftRevised", data: { matterId: m.matterId, version: m.draft.version, elements } },
    ];
  }
  const version = (publishedOf(m)?.version ?? 0) + 1;
  return [{ type: "MatterDrafted", data: { matterId: m.matterId, version, elements } }];
}

/** 认领: only the implementing department's officer claims its matter (an administrator does not act for it). */
function claimMatter({ metadata }: ClaimMatter, state: MatterState): MatterEvent[] {
  const m = active(state);
  assertDepartment(metadata, m.department, "claim");
  if (m.status !== "draft" || m.claimed) throw new StateConflict(`matter ${m.matterId} is already claimed`);
  return [{ type: "MatterClaimed", data: { matterId: m.matterId, department: m.department } }];
}

function publishMatter({ data, metadata }: PublishMatter, state: MatterState): MatterEvent[] {
  const m = active(state);
  if (!m.draft) throw new StateConflict(`matter ${m.matterId} has no draft to publish`);
  if (m.status === "draft" && !m.claimed) {
    throw new StateConflict(`matter ${m.matterId} is not yet claimed (认领) by ${m.department.name}`);
  }
  if (m.status === "suspended") throw new StateConflict(`matter ${m.matterId} is suspended; resume it first`);
  if (m.pendingTransfer) throw new StateConflict(`matter ${m.matterId} has a transfer pending`);
  return [publish(m, m.draft.version, m.draft.elements, data.effectiveFrom ?? metadata.now)];
}

function suspendMatter({ data }: SuspendMatter, state: MatterState): MatterEvent[] {
  const m = active(state);
  if (m.status === "draft")
    throw new StateConflict(`matter ${m.matterId} has no published version to suspend`);
  if (m.status === "suspended") throw new StateConflict(`matter ${m.matterId} is already suspended`);
  return [
    {
      type: "MatterSuspended",
      data: { matterId: m.matterId, version: m.published.version, reason: data.reason },
    },
  ];
}

function resumeMatter(_: ResumeMatter, state: MatterState): MatterEvent[] {
  const m = active(state);
  if (m.status !== "suspended") throw new StateConflict(`matter ${m.matterId} is not suspended`);
  return [{ type: "MatterResumed", data: { matterId: m.matterId, version: m.published.version } }];
}

function retireMatter({ data }: RetireMatter, state: MatterState): MatterEvent[] {
  const m = active(state);
  return [{ type: "MatterRetired", data: { matterId: m.matterId, reason: data.reason } }];
}

function requestTransfer({ data: { to, reason } }: RequestTransfer, state: MatterState): MatterEvent[] {
  const m = active(state);
  if (m.pendingTransfer) throw new StateConflict(`matter ${m.matterId} already has a transfer pending`);
  if (to.creditCode === m.department.creditCode) {
    throw new RuleViolation([
      { field: "to.creditCode", message: "the matter already belongs to this department" },
    ]);
  }
  return [
    { type: "MatterTransferRequested", data: { matterId: m.matterId, from: m.department, to, reason } },
  ];
}

/**
 * After a reorganisation (机构改革职能划转) the old department keeps accepting until the new one has taken the
 * matter over (韶关市政务服务数据管理局 2019 notice on the “一网、一门、一次” reform, 六、做好政务服务事项转交、承接工作).
 * On confirmation the matter is re-published under the new department (its 实施编码 changes with the
 * department's credit code), and a pending draft is carried forward to the next version.
 */
function confirmTransfer({ metadata }: ConfirmTransfer, state: MatterState): MatterEvent[] {
  const m = active(state);
  if (!m.pendingTransfer) throw new StateConflict(`matter ${m.matterId} has no transfer pending`);
  const to = m.pendingTransfer.to;
  assertDepartment(metadata, to, "confirm the transfer of");
  const events: MatterEvent[] = [
    { type: "MatterTransferConfirmed", data: { matterId: m.matterId, from: m.department, to } },
  ];
  const published = publishedOf(m);
  let version = published?.version ?? 0;
  if (published) {
    version += 1;
    events.push(publish(m, version, reassign(published.elements, to), metadata.now));
  }
  if (m.draft) {
    events.push({
      type: "MatterDrafted",
      data: { matterId: m.matterId, version: version + 1, elements: reassign(m.draft.elements, to) },
    });
  }
  return events;
}

function cancelTransfer({ data }: CancelTransfer, state: MatterState): MatterEvent[] {
  const m = active(state);
  if (!m.pendingTransfer) throw new StateConflict(`matter ${m.matterId} has no transfer pending`);
  return [
    {
      type: "MatterTransferCancelled",
      data: { matterId: m.matterId, from: m.department, to: m.pendingTransfer.to, reason: data.reason },
    },
  ];
}

function reassign(elements: MatterElements, to: DepartmentRef): MatterElements {
  return {
    ...elements,
    implementingDepartment: { ...elements.implementingDepartment, creditCode: to.creditCode, name: to.name },
    implementationCode: `${to.creditCode}${elements.exercisingLevel}${elements.basicCode}`,
  };
}

function publish(
  m: ActiveMatter,
  version: number,
  elements: MatterElements,
  effectiveFrom: string,
): MatterEvent {
  const supersedes = publishedOf(m)?.version;
  return {
    type: "MatterPublished",
    data: { matterId: m.matterId, version, ...(supersedes ? { supersedes } : {}), effectiveFrom, elements },
  };
}

function active(state: MatterState): ActiveMatter {
  if (state.status === "none") throw new NotFound("matter does not exist");
  if (state.status === "retired") throw new StateConflict(`matter ${state.matterId} is retired`);
  return state;
}

function assertValid(elements: MatterElements): void {
  const problems = checkMatterElements(elements);
  if (problems.length > 0)
    throw new RuleViolation(problems.map((p) => ({ ...p, field: `elements.${p.field}` })));
}

/**
 * Only the department's own officer: an administrator does not act for a department (separation of duties,
 * GB/T 22239-2019 安全管理中心), and a token without a `department` claim is refused (fail closed).
 */
function assertDepartment(metadata: CommandMetadata, department: DepartmentRef, what: string): void {
  const { role, department: own } = metadata.actor;
  if (role !== "officer" || !own || own !== department.creditCode) {
    throw new NotPermitted(`only ${department.name} may ${what} this matter`);
  }
}
