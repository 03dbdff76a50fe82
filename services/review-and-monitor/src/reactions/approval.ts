import { chinaDate } from "@gov/calendar";
import { type ApprovalEventData, type DepartmentRef, approvalEventTypes as T, topics } from "@gov/contracts";
import type { CommandContext, CommandInput } from "@gov/eventsourcing";
import type { BusEvent } from "@gov/messaging";
import type { Handlers } from "../application/handlers.ts";
import type { ReceivePush } from "../domain/push/push.ts";
import type { OpenVerification } from "../domain/verification/verification.ts";
import type { WatchCommand } from "../domain/watch/watch.ts";
import type { ApprovalCaseRef, ApprovalCasesCopy } from "../read-models/approval-cases.ts";
import type { MatterFacts, MattersCopy } from "../read-models/matters-copy.ts";

/** Approval's topics review-and-monitor follows: its cases' clocks, its decisions and permit changes. */
export const approvalTopics = [topics.approval.case, topics.approval.permit];

const reactor = { id: "review-and-monitor-approval", role: "system" } as const;
type D = ApprovalEventData;
type Action =
  | { clock: string; command: CommandInput<WatchCommand> }
  | { push: string; data: Omit<ReceivePush["data"], "receivedOn"> }
  | { verify: string; data: OpenVerification["data"] };

const PERMIT_CHANGES: Record<string, string> = {
  [T.PermitAmended]: "amended",
  [T.PermitRenewed]: "renewed",
  [T.PermitWithdrawn]: "withdrawn",
  [T.PermitRescinded]: "rescinded",
  [T.PermitCancelled]: "cancelled",
  [T.PermitRevoked]: "revoked",
};

/** Thrown while this service's copy of approval's cases (or of the catalog) has not seen it yet: tried again. */
export class CaseNotYetKnown extends Error {
  override readonly name = "CaseNotYetKnown";
}

/**
 * What approval's events mean here:
 * - the case's time limit (行政许可法 第四十二条) is a clock from CaseOpened to the decision; a 特别程序 stops it
 *   (第四十五条: not counted) and its end restarts it at the new due date, as does an extension;
 * - a granted permit's certificate is due within 10 working days of the decision (第四十四条): a clock until issued;
 * - every decision and permit change is pushed to the supervising department (谁审批、谁监管, 国发〔2019〕18号).
 */
async function actionsFor(
  event: BusEvent,
  cases: ApprovalCasesCopy,
  matters: MattersCopy,
): Promise<Action[]> {
  const d = event.data as Record<string, unknown>;
  const known = async (caseId: string) => {
    const c = await cases.get(caseId);
    if (!c) throw new CaseNotYetKnown(`case ${caseId} not in the copy yet`);
    return c;
  };
  const start = (
    clock: string,
    kind: "approval-time-limit" | "certificate-deadline",
    refId: string,
    department: DepartmentRef,
    dueOn: string,
    on: string,
  ): Action => ({
    clock,
    command: { type: "StartClock", data: { clockId: clock, kind, refId, department, startedOn: on, dueOn } },
  });
  const stop = (clock: string, reason: string): Action => ({
    clock,
    command: { type: "StopClock", data: { reason } },
  });
  const move = (clock: string, dueOn: string | undefined): Action[] =>
    dueOn ? [{ clock, command: { type: "RescheduleClock", data: { dueOn } } }] : [];
  switch (event.type) {
    case T.CaseOpened: {
      const o = d as D["CaseOpened"];
      return o.clock.dueOn
        ? [
            start(
              `case.${o.caseId}`,
              "approval-time-limit",
              o.caseId,
              o.matter.department,
              o.clock.dueOn,
              o.acceptedOn,
            ),
          ]
        : [];
    }
    case T.SpecialProcedureStarted:
      return [
        stop(`case.${(d as D["SpecialProcedureStarted"]).caseId}`, "特别程序 (第四十五条: not counted)"),
      ];
    case T.SpecialProcedureEnded: {
      const e = d as D["SpecialProcedureEnded"];
      return move(`case.${e.caseId}`, e.dueOn);
    }
    case T.ExtensionGranted: {
      const e = d as D["ExtensionGranted"];
      return move(`case.${e.caseId}`, e.dueOn);
    }
    case T.CaseClosed:
      return [stop(`case.${(d as D["CaseClosed"]).caseId}`, "closed undecided")];
    case T.CaseCertificateIssued:
      return [stop(`cert.${(d as D["CaseCertificateIssued"]).caseId}`, "certificate issued")];
    case T.CaseDecided: {
      const e = d as D["CaseDecided"];
      const c = await known(e.caseId);
      const facts = await matters.facts(c.matterId, c.matterVersion);
      return [
        stop(`case.${e.caseId}`, `decided: ${e.outcome}`),
        ...(e.certificateDueOn
          ? [
              start(
                `cert.${e.caseId}`,
                "certificate-deadline",
                e.caseId,
                c.department,
                e.certificateDueOn,
                e.decidedOn,
              ),
            ]
          : []),
        ...verification(e, c, facts),
        {
          push: `decision.${e.caseId}`,
          data: {
            pushId: `decision.${e.caseId}`,
            what: "decision",
            sourceEvent: { type: event.type, id: event.id },
            caseId: e.caseId,
            ...(e.permitId ? { permitId: e.permitId } : {}),
            outcome: e.outcome,
            approvingDepartment: c.department,
            supervisingDepartment: c.supervisingDepartment,
            decision: decisionFigures(e, c, facts),
          },
        },
      ];
    }
    default: {
      const outcome = PERMIT_CHANGES[event.type];
      if (!outcome) return [];
      const permitId = String(d.permitId);
      const c = await cases.byPermit(permitId);
      const revokedBy = event.type === T.PermitRevoked ? (d as D["PermitRevoked"]).department : undefined;
      if (!c && !revokedBy) throw new CaseNotYetKnown(`permit ${permitId} not in the copy yet`);
      const approving = c?.department ?? (revokedBy as DepartmentRef);
      return [
        {
          push: `change.${event.id}`,
          data: {
            pushId: `change.${event.id}`,
            what: "permit-change",
            sourceEvent: { type: event.type, id: event.id },
            ...(c ? { caseId: c.caseId } : {}),
            permitId,
            outcome,
            approvingDepartment: approving,
            supervisingDepartment: c?.supervisingDepartment ?? approving,
          },
        },
      ];
    }
  }
}

/**
 * 国办发〔2020〕42号 (国务院办公厅关于全面推行证明事项告知承诺制的指导意见; for permits, 国发〔2021〕7号): a permit granted on a promise (approval's case says the acceptance
 * mode) gets a verification task for the supervising department, following the matter version's rules as this
 * service's copy of the catalog has them.
 */
function verification(e: D["CaseDecided"], c: ApprovalCaseRef, facts: MatterFacts | undefined): Action[] {
  if (e.outcome !== "approved" || !e.permitId || c.acceptanceMode !== "informed-commitment") return [];
  const rules = facts?.promiseVerification;
  if (rules === undefined)
    throw new CaseNotYetKnown(`matter ${c.matterId} v${c.matterVersion} not in the catalog copy yet`);
  return [
    {
      verify: e.permitId,
      data: {
        verificationId: e.permitId,
        permitId: e.permitId,
        caseId: e.caseId,
        matterId: c.matterId,
        matterVersion: c.matterVersion,
        subject: c.applicant,
        approvingDepartment: c.department,
        department: c.supervisingDepartment,
        openedOn: e.decidedOn,
        ...(rules ? { rules } : {}),
      },
    },
  ];
}

/** The decision's figures the efficiency KPIs count (approval's own, and the catalog facts this copy has). */
function decisionFigures(e: D["CaseDecided"], c: ApprovalCaseRef, facts: MatterFacts | undefined) {
  return {
    matterId: c.matterId,
    matterVersion: c.matterVersion,
    acceptanceMode: c.acceptanceMode,
    acceptedOn: c.acceptedOn,
    decidedOn: e.decidedOn,
    ...(e.workingDaysUsed !== undefined ? { workingDaysUsed: e.workingDaysUsed } : {}),
    ...(e.withinLimit !== undefined ? { withinLimit: e.withinLimit } : {}),
    ...(facts?.caseKind ? { caseKind: facts.caseKind } : {}),
    ...(facts?.onSiteVisits !== undefined ? { onSiteVisits: facts.onSiteVisits } : {}),
  };
}

/** Applies approval's event here; ids derive from the event's id, so a redelivery appends nothing. */
export async function reactToApproval(
  deps: { handlers: Handlers; cases: ApprovalCasesCopy; matters: MattersCopy },
  event: BusEvent,
  now: string,
): Promise<void> {
  const actions = await actionsFor(event, deps.cases, deps.matters);
  for (const [i, a] of actions.entries()) {
    const ctx: CommandContext = { now, actor: reactor, causationEventId: `${event.id}:${i}` };
    if ("clock" in a) await deps.handlers.watch.handle(a.clock, a.command, ctx);
    else if ("verify" in a)
      await deps.handlers.verifications.handle(a.verify, { type: "OpenVerification", data: a.data }, ctx);
    else
      await deps.handlers.pushes.handle(
        a.push,
        { type: "ReceivePush", data: { ...a.data, receivedOn: chinaDate(event.time) } },
        ctx,
      );
  }
}
