import {
  applicationAccepted,
  applicationRejected,
  applicationSubmitted,
  approvalEventTypes,
  caseDecided,
  certificateDelivered,
  correctionRequested,
  intakeEventTypes,
  materialsSupplemented,
  specialProcedureEnded,
  specialProcedureStarted,
  stepCompleted,
  topics,
} from "@gov/contracts";
import type { CommandInput } from "@gov/eventsourcing";
import type { BusEvent, MessagingLogger } from "@gov/messaging";
import type { CaseReports } from "../application/reports.ts";
import type { ReportCommand, SourceEvent } from "../domain/case-report/commands.ts";

/** What the feed follows: intake's application events, approval's case events and its permits' (领证). */
export const followedTopics = [topics.intake.application, topics.approval.case, topics.approval.permit];

/** Approval's steps reported as 承办, 审核 and 批准, by the name the matter gives the step. */
const APPROVAL_STEPS: Readonly<Record<string, "undertaking" | "review" | "approval">> = {
  承办: "undertaking",
  审核: "review",
  批准: "approval",
};
export const GROUP = "exchange-case-steps";

const reporter = { id: "exchange-feed", role: "system" } as const;

/** A step to report on the case's stream. */
export interface Report {
  applicationId: string;
  command: CommandInput<ReportCommand>;
}
/** An event of a mapped type that cannot be reported, and why (logged; never personal data). */
export interface Skipped {
  skipped: string;
}

/** The report an intake or approval event makes, if it is one of the mapped steps (docs/exchange.md). */
export function reportFor(event: BusEvent): Report | Skipped | undefined {
  const source: SourceEvent = { eventId: event.id, type: event.type, occurredAt: event.time };
  switch (event.type) {
    case intakeEventTypes.ApplicationSubmitted: {
      const d = applicationSubmitted.parse(event.data);
      const { matterId, version, name, implementationCode, department, region } = d.matter;
      return {
        applicationId: d.applicationId,
        command: {
          type: "ReportSubmission",
          data: {
            source,
            case: {
              applicationId: d.applicationId,
              matter: { matterId, version, name, implementationCode, department, region },
              applicant: d.applicant,
              channel: d.channel,
            },
            receivedOn: d.receivedOn,
          },
        },
      };
    }
    case intakeEventTypes.CorrectionRequested: {
      const d = correctionRequested.parse(event.data);
      return {
        applicationId: d.applicationId,
        command: {
          type: "ReportCorrectionNotice",
          data: {
            source,
            noticeDate: d.noticeDate,
            noticeNumber: d.noticeNumber,
            // The notes are free text for the applicant; the exchange gets which material and what is wrong.
            items: d.items.map(({ materialId, name, problem }) => ({ materialId, name, problem })),
          },
        },
      };
    }
    case intakeEventTypes.MaterialsSupplemented: {
      const d = materialsSupplemented.parse(event.data);
      return {
        applicationId: d.applicationId,
        command: {
          type: "ReportSupplement",
          data: {
            source,
            supplementedOn: d.supplementedOn,
            materialIds: d.materials.map((m) => m.materialId),
          },
        },
      };
    }
    case intakeEventTypes.ApplicationAccepted: {
      const d = applicationAccepted.parse(event.data);
      return {
        applicationId: d.applicationId,
        command: {
          type: "ReportAcceptance",
          data: {
            source,
            caseNumber: d.caseNumber,
            acceptedOn: d.acceptedOn,
            mode: d.mode,
            promisedTimeLimitDays: d.promisedTimeLimitDays,
            dueOn: d.dueOn,
          },
        },
      };
    }
    case intakeEventTypes.ApplicationRejected: {
      const d = applicationRejected.parse(event.data);
      return {
        applicationId: d.applicationId,
        command: {
          type: "ReportRefusal",
          // The reason is free text written for the applicant; the exchange gets the legal basis.
          data: { source, rejectedOn: d.rejectedOn, legalBasis: d.legalBasis },
        },
      };
    }
    case approvalEventTypes.StepCompleted: {
      const d = stepCompleted.parse(event.data);
      const step = APPROVAL_STEPS[d.stepName];
      if (!step) return undefined; // a step of another name: docs/exchange.md, "Not mapped"
      return {
        applicationId: d.caseId,
        command: {
          type: "ReportApprovalStep",
          // The opinion is the officer's free text; the exchange gets the step and its recommendation.
          data: {
            source,
            step,
            stepIndex: d.stepIndex,
            completedAt: d.completedAt,
            recommendation: d.recommendation,
          },
        },
      };
    }
    case approvalEventTypes.SpecialProcedureStarted: {
      const d = specialProcedureStarted.parse(event.data);
      const { procedureId, procedure, name, startedOn, expectedEndOn, legalBasis } = d;
      return {
        applicationId: d.caseId,
        command: {
          type: "ReportSpecialProcedureStart",
          data: { source, procedureId, procedure, name, startedOn, expectedEndOn, legalBasis },
        },
      };
    }
    case approvalEventTypes.SpecialProcedureEnded: {
      const d = specialProcedureEnded.parse(event.data);
      return {
        applicationId: d.caseId,
        command: {
          type: "ReportSpecialProcedureEnd",
          data: { source, procedureId: d.procedureId, endedOn: d.endedOn, daysExcluded: d.daysExcluded },
        },
      };
    }
    case approvalEventTypes.CaseDecided: {
      const d = caseDecided.parse(event.data);
      return {
        applicationId: d.caseId,
        command: {
          type: "ReportConclusion",
          data: {
            source,
            decidedOn: d.decidedOn,
            outcome: d.outcome,
            auto: d.auto,
            ...(d.legalBasis ? { legalBasis: d.legalBasis } : {}),
            ...(d.withinLimit === undefined ? {} : { withinLimit: d.withinLimit }),
          },
        },
      };
    }
    case approvalEventTypes.CertificateDelivered: {
      const d = certificateDelivered.parse(event.data);
      // Deliveries recorded before approval named the case carry only the permit, and the feed keeps no
      // permit → case index (it reports steps of cases): such a delivery is left out, with the reason logged.
      if (!d.caseId)
        return { skipped: "the delivery names no case (recorded before CertificateDelivered had caseId)" };
      return {
        applicationId: d.caseId,
        command: {
          type: "ReportDelivery",
          // The tracking number, locker code and officer stay with approval: they lead to a person.
          data: { source, method: d.method, certificateNo: d.certificateNo, deliveredOn: d.deliveredOn },
        },
      };
    }
    default:
      return undefined; // not a step of the feed (yet): docs/exchange.md, "Not mapped"
  }
}

/**
 * Reports the step an intake or approval event makes. The new events' ids derive from the source event's id, so a
 * redelivery (after a crash between the append and the offset commit, a rebalance) appends nothing again:
 * exactly once in effect, on the embedded bus and on Kafka alike. An event that cannot be reported is logged
 * with its id, type and the reason only.
 */
export async function reportCaseEvent(
  reports: CaseReports,
  event: BusEvent,
  now: string,
  logger: MessagingLogger,
): Promise<void> {
  const report = reportFor(event);
  if (!report) return;
  if ("skipped" in report) {
    logger.warn(
      { eventId: event.id, type: event.type, reason: report.skipped },
      "exchange feed: event not reported",
    );
    return;
  }
  await reports.handle(report.applicationId, report.command, {
    now,
    actor: reporter,
    causationEventId: event.id,
  });
}
