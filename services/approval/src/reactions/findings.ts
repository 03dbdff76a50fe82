import { falsePromiseFound, reviewAndMonitorEventTypes, topics, violationFound } from "@gov/contracts";
import type { CommandContext } from "@gov/eventsourcing";
import type { BusEvent } from "@gov/messaging";
import type { PermitCommands } from "../application/certificates.ts";
import type { CaseCommands } from "../application/issue.ts";

/** The topic approval reacts to for 审管联动: review-and-monitor's findings. */
export const findingTopics = [topics.reviewAndMonitor.finding];

const reactor = { id: "approval-reactions", role: "system" } as const;

/**
 * 审管联动 ("谁审批、谁监管"): a serious violation with a penalty decision on a permit opens a revocation (吊销) for the
 * department to decide; a false 告知承诺 on a permit granted under 告知承诺 leads to 撤销 (国办发〔2020〕42号 §三(三):
 * 发现申请人承诺不实的…依法撤销). Ids derive from the finding's event id: a redelivery appends nothing new.
 */
export async function reactToFinding(
  deps: { cases: CaseCommands; permits: PermitCommands },
  event: BusEvent,
  now: string,
): Promise<void> {
  const ctx: CommandContext = { now, actor: reactor, causationEventId: event.id };
  switch (event.type) {
    case reviewAndMonitorEventTypes.ViolationFound: {
      const d = violationFound.parse(event.data);
      if (!d.permitId || d.severity !== "serious" || !d.penaltyDecision) return;
      const permit = await deps.permits.load(d.permitId);
      if (!("exists" in permit)) return;
      await deps.permits.handle(
        d.permitId,
        {
          type: "ProposeRevocation",
          data: {
            permitId: d.permitId,
            findingId: d.findingId,
            kind: "revoke",
            reason: d.description,
            legalBasis: d.legalBasis,
            penaltyDecision: d.penaltyDecision,
            proposedOn: d.foundOn,
          },
        },
        ctx,
      );
      return;
    }
    case reviewAndMonitorEventTypes.FalsePromiseFound: {
      const d = falsePromiseFound.parse(event.data);
      if (!d.permitId) return;
      const permit = await deps.permits.load(d.permitId);
      if (!("exists" in permit) || permit.status !== "valid") return;
      const caseId = permit.certificates[0]?.caseId;
      const c = caseId ? await deps.cases.load(caseId) : undefined;
      if (!c || c.status === "none" || c.opened.acceptanceMode !== "informed-commitment") return;
      await deps.permits.handle(
        d.permitId,
        {
          type: "RescindPermit",
          data: {
            reason: `告知承诺不实: ${d.description}`,
            legalBasis: "《中华人民共和国行政许可法》第六十九条; 国办发〔2020〕42号",
            ground: "false-promise",
            decisionNumber: `撤销-${d.findingId}`,
            findingId: d.findingId,
          },
        },
        ctx,
      );
      return;
    }
    default:
      return;
  }
}
