import {
  applicationAccepted,
  applicationTerminated,
  applicationWithdrawn,
  intakeEventTypes,
  topics,
} from "@gov/contracts";
import type { CommandContext } from "@gov/eventsourcing";
import type { BusEvent, MessagingLogger } from "@gov/messaging";
import type { FileKeyring } from "@gov/seal";
import type { PermitCommands } from "../application/certificates.ts";
import { type CaseCommands, issueCertificateFor } from "../application/issue.ts";
import { permitIdOf } from "../application/streams.ts";
import type { CreditCopy } from "../read-models/credit-copy.ts";
import type { MattersCopy } from "../read-models/matters-copy.ts";

/** The topic approval reacts to: intake's applications (accepted, then withdrawn or terminated). */
export const acceptanceTopics = [topics.intake.application];

export interface AcceptanceDeps {
  cases: CaseCommands;
  permits: PermitCommands;
  keyring: FileKeyring;
  matters: MattersCopy;
  credit: CreditCopy;
  logger: MessagingLogger;
}

const reactor = { id: "approval-reactions", role: "system" } as const;

/**
 * 受理 → 立案: one case per accepted application (single or one member of a bundle), with the matter version and
 * the credit status from approval's own copies. Ids derive from the acceptance event's id, so a redelivery
 * opens nothing twice. An eligible 秒批 case is decided and its certificate issued and sealed in the same flow.
 */
export async function reactToApplication(deps: AcceptanceDeps, event: BusEvent, now: string): Promise<void> {
  const ctx: CommandContext = { now, actor: reactor, causationEventId: event.id };
  switch (event.type) {
    case intakeEventTypes.ApplicationAccepted: {
      const a = applicationAccepted.parse(event.data);
      const elements = await deps.matters.version(a.matter.matterId, a.matter.version);
      if (!elements) {
        // The catalog copy is fed from the matters topic; a version it has not seen yet is retried by the bus.
        throw new Error(`approval has no copy of matter ${a.matter.matterId} v${a.matter.version} yet`);
      }
      const caseId = a.applicationId;
      const credit = await deps.credit.of(a.applicant.subjectId);
      // An optional material (非必要) left out is not "missing" for 秒批: only what the matter requires counts.
      const optional = new Set(elements.materials.filter((m) => m.necessity === "optional").map((m) => m.id));
      const counted = a.materials.filter((m) => !(m.provision === "missing" && optional.has(m.materialId)));
      const opened = await deps.cases.handle(
        caseId,
        {
          type: "OpenCase",
          data: {
            caseId,
            applicationId: a.applicationId,
            ...(a.bundleApplicationId ? { bundleApplicationId: a.bundleApplicationId } : {}),
            caseNumber: a.caseNumber,
            matter: {
              matterId: a.matter.matterId,
              version: a.matter.version,
              name: a.matter.name,
              implementationCode: a.matter.implementationCode,
              department: a.matter.department,
              supervisingDepartment: elements.supervisingDepartment,
              region: a.matter.region,
              promisedTimeLimitDays: a.matter.promisedTimeLimitDays,
              statutoryTimeLimitDays: a.matter.statutoryTimeLimitDays,
              resultName: elements.result.name,
              resultType: elements.result.type,
              ...(elements.resultValidityYears ? { resultValidityYears: elements.resultValidityYears } : {}),
              ...(elements.resultScope ? { resultScope: elements.resultScope } : {}),
            },
            applicant: a.applicant,
            acceptanceMode: a.mode,
            acceptedOn: a.acceptedOn,
            steps: elements.processSteps,
            joint: a.bundleApplicationId !== undefined,
            credit,
            autoApproval: {
              allows: elements.allowsAutoApproval && a.matter.allowsAutoApproval,
              ...(elements.autoApprovalRules ? { rules: elements.autoApprovalRules } : {}),
              materials: counted,
            },
            permitId: permitIdOf(caseId),
          },
        },
        ctx,
      );
      if (opened.state.status === "decided") await issueCertificateFor(deps, caseId, ctx);
      return;
    }
    case intakeEventTypes.ApplicationWithdrawn:
    case intakeEventTypes.ApplicationTerminated: {
      const withdrawn = event.type === intakeEventTypes.ApplicationWithdrawn;
      const d = withdrawn ? applicationWithdrawn.parse(event.data) : applicationTerminated.parse(event.data);
      const state = await deps.cases.load(d.applicationId);
      if (state.status !== "open") return;
      await deps.cases.handle(
        d.applicationId,
        {
          type: "CloseCase",
          data: {
            reason: withdrawn ? "application-withdrawn" : "application-terminated",
            closedOn: "withdrawnOn" in d ? d.withdrawnOn : d.terminatedOn,
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
