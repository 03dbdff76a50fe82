import type { DepartmentRef, MatterElements } from "@gov/contracts";
import { NotFound, NotPermitted, RuleViolation, StateConflict } from "../errors.ts";
import type { CommandMetadata, MatterCommand } from "./commands.ts";
import { checkMatterElements } from "./invariants.ts";
import type { ActiveMatter, MatterEvent, MatterState } from "./matter.ts";

/** The matter decider: which events follow from a command in a state. Pure; throws domain errors. */
export function decideMatter(command: MatterCommand, state: MatterState): MatterEvent[] {
  switch (command.type) {
    case "DraftMatter": {
      if (state.status !== "none") throw new StateConflict(`matter ${command.data.matterId} already exists`);
      assertValid(command.data.elements);
      return [
        {
          type: "MatterDrafted",
          data: { matterId: command.data.matterId, version: 1, elements: command.data.elements },
        },
      ];
    }
    case "ReviseMatter": {
      const m = active(state);
      const { elements } = command.data;
      assertValid(elements);
      const current = m.draft?.elements ?? m.published?.elements;
      if (
        current &&
        current.implementingDepartment.creditCode !== elements.implementingDepartment.creditCode
      ) {
        throw new RuleViolation([
          {
            field: "elements.implementingDepartment",
            message: "the implementing department changes only by a transfer",
          },
        ]);
      }
      // Editing a published matter starts a new draft version; the published one stays in force (domain brief §1).
      if (m.draft)
        return [
          { type: "MatterDraftRevised", data: { matterId: m.matterId, version: m.draft.version, elements } },
        ];
      const version = (m.published?.version ?? 0) + 1;
      return [{ type: "MatterDrafted", data: { matterId: m.matterId, version, elements } }];
    }
    case "ClaimMatter": {
      const m = active(state);
      // 认领: only the implementing department claims its matter (domain brief §1).
      assertDepartment(command.metadata, m.department, "claim");
      if (m.claimed) throw new StateConflict(`matter ${m.matterId} is already claimed`);
      return [{ type: "MatterClaimed", data: { matterId: m.matterId, department: m.department } }];
    }
    case "PublishMatter": {
      const m = active(state);
      if (!m.draft) throw new StateConflict(`matter ${m.matterId} has no draft to publish`);
      if (!m.claimed)
        throw new StateConflict(`matter ${m.matterId} is not yet claimed (认领) by ${m.department.name}`);
      if (m.suspended) throw new StateConflict(`matter ${m.matterId} is suspended; resume it first`);
      if (m.pendingTransfer) throw new StateConflict(`matter ${m.matterId} has a transfer pending`);
      return [
        publish(m, m.draft.version, m.draft.elements, command.data.effectiveFrom ?? command.metadata.now),
      ];
    }
    case "SuspendMatter": {
      const m = active(state);
      if (!m.published) throw new StateConflict(`matter ${m.matterId} has no published version to suspend`);
      if (m.suspended) throw new StateConflict(`matter ${m.matterId} is already suspended`);
      return [
        {
          type: "MatterSuspended",
          data: { matterId: m.matterId, version: m.published.version, reason: command.data.reason },
        },
      ];
    }
    case "ResumeMatter": {
      const m = active(state);
      if (!m.suspended || !m.published) throw new StateConflict(`matter ${m.matterId} is not suspended`);
      return [{ type: "MatterResumed", data: { matterId: m.matterId, version: m.published.version } }];
    }
    case "RetireMatter": {
      const m = active(state);
      return [{ type: "MatterRetired", data: { matterId: m.matterId, reason: command.data.reason } }];
    }
    case "RequestTransfer": {
      const m = active(state);
      const { to, reason } = command.data;
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
    case "ConfirmTransfer":
      return confirmTransfer(active(state), command.metadata);
    case "CancelTransfer": {
      const m = active(state);
      if (!m.pendingTransfer) throw new StateConflict(`matter ${m.matterId} has no transfer pending`);
      return [
        {
          type: "MatterTransferCancelled",
          data: {
            matterId: m.matterId,
            from: m.department,
            to: m.pendingTransfer.to,
            reason: command.data.reason,
          },
        },
      ];
    }
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

/**
 * Seed 000 §六: after a reorganisation the old department keeps accepting until the new one confirms. On
 * confirmation the matter is re-published under the new department (its 实施编码 changes with the
 * department's credit code), and a pending draft is carried forward to the next version.
 */
function confirmTransfer(m: ActiveMatter, metadata: CommandMetadata): MatterEvent[] {
  if (!m.pendingTransfer) throw new StateConflict(`matter ${m.matterId} has no transfer pending`);
  const to = m.pendingTransfer.to;
  assertDepartment(metadata, to, "confirm the transfer of");
  const events: MatterEvent[] = [
    { type: "MatterTransferConfirmed", data: { matterId: m.matterId, from: m.department, to } },
  ];
  let version = m.published?.version ?? 0;
  if (m.published) {
    version += 1;
    events.push(publish(m, version, reassign(m.published.elements, to), metadata.now));
  }
  if (m.draft) {
    events.push({
      type: "MatterDrafted",
      data: { matterId: m.matterId, version: version + 1, elements: reassign(m.draft.elements, to) },
    });
  }
  return events;
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
  const supersedes = m.published?.version;
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

function assertDepartment(metadata: CommandMetadata, department: DepartmentRef, what: string): void {
  if (metadata.actor.role === "admin") return;
  if (metadata.actor.department !== department.creditCode) {
    throw new NotPermitted(`only ${department.name} may ${what} this matter`);
  }
}
