import { createHash } from "node:crypto";
import {
  approvalEventTypes,
  falsePromiseFound,
  permitRevoked,
  reviewAndMonitorEventTypes,
  type SubjectRef,
  topics,
  violationFound,
} from "@gov/contracts";
import type { BusEvent } from "@gov/messaging";
import type { SubjectCommands } from "../application/subjects.ts";
import type { MeasuresList } from "../domain/measures.ts";

/** The topics credit reacts to: review-and-monitor's findings (violations, false promises), approval's 吊销. */
export const reactionTopics = [topics.reviewAndMonitor.finding, topics.approval.permit];

export interface ReactionDeps {
  subjects: SubjectCommands;
  measures: MeasuresList;
}

const reactor = { id: "credit-reactions", role: "system" } as const;

/**
 * Turns another service's finding into a proposed list entry per the measures list (`reactions`), with the
 * same due process as a manual entry. Ids derive from the finding's event id, so a redelivered finding
 * appends nothing new (exactly once in effect).
 */
export async function reactToFinding(deps: ReactionDeps, event: BusEvent, now: string): Promise<void> {
  const proposal = proposalFor(deps.measures, event);
  if (!proposal) return;
  const { subject } = proposal;
  const ctx = (suffix: string) => ({ now, actor: reactor, causationEventId: `${event.id}${suffix}` });
  await deps.subjects.handle(
    subject.subjectId,
    {
      type: "RegisterSubject",
      data: {
        subjectId: subject.subjectId,
        kind: subject.kind,
        ...(subject.kind === "organisation" && subject.creditCode
          ? {
              organisation: {
                creditCode: subject.creditCode,
                name: subject.name ?? subject.creditCode,
                checksumOk: true,
              },
            }
          : {}),
      },
    },
    ctx(":register"),
  );
  const { subject: _s, ...listing } = proposal;
  await deps.subjects.handle(
    subject.subjectId,
    {
      type: "ProposeListing",
      data: {
        ...listing,
        listingId: `E${createHash("sha256").update(event.id).digest("hex").slice(0, 20)}`,
        source: { kind: "event", eventId: event.id, eventType: event.type },
      },
    },
    ctx(""),
  );
}

function proposalFor(measures: MeasuresList, event: BusEvent) {
  const reactions = measures.reactions;
  switch (event.type) {
    case reviewAndMonitorEventTypes.ViolationFound: {
      const d = violationFound.parse(event.data);
      const rule = reactions.violation[d.severity];
      if (!rule) return undefined; // 轻微: not listed (measures list)
      return entry(d.subject, rule, d.department, d.legalBasis, d.description, d.foundOn);
    }
    case reviewAndMonitorEventTypes.FalsePromiseFound: {
      const d = falsePromiseFound.parse(event.data);
      return entry(
        d.subject,
        reactions.falsePromise,
        d.department,
        d.legalBasis,
        `虚假承诺: ${d.description}`,
        d.foundOn,
      );
    }
    case approvalEventTypes.PermitRevoked: {
      const d = permitRevoked.parse(event.data);
      const reason = `吊销${d.permitName}（${d.penaltyDecision}）: ${d.reason}`;
      return entry(d.holder, reactions.permitRevoked, d.department, d.legalBasis, reason, d.revokedOn);
    }
    default:
      return undefined;
  }
}

function entry(
  subject: SubjectRef,
  rule: { list: "red" | "black" | "abnormal-operation"; severity: "minor" | "general" | "serious" },
  issuingDepartment: { creditCode: string; name: string },
  legalBasis: string,
  reason: string,
  startDate: string,
) {
  return {
    subject,
    list: rule.list,
    severity: rule.severity,
    issuingDepartment,
    legalBasis,
    reason,
    startDate,
  };
}
