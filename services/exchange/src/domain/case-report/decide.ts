import { type ExchangeStep, type ExchangeStepDetails, exchangeStepNames } from "@gov/contracts";
import { type Decider, NotFound, StateConflict } from "@gov/eventsourcing";
import type {
  ReportAcceptance,
  ReportApprovalStep,
  ReportCommand,
  ReportConclusion,
  ReportCorrectionNotice,
  ReportDelivery,
  ReportRefusal,
  ReportSpecialProcedureEnd,
  ReportSpecialProcedureStart,
  ReportSubmission,
  ReportSupplement,
  SourceEvent,
} from "./commands.ts";
import {
  type CaseBase,
  type CaseReportState,
  evolveCaseReport,
  initialCaseReportState,
  type ReportEvent,
} from "./report.ts";

/** Channels whose submissions are also 网上预受理 (the online hall and the mobile app). */
const ONLINE = new Set(["online", "mobile"]);

/**
 * The next version of one step's row: version 1 the first time, one more on every re-report. The key the exchange
 * files it under is the 办件编号 once known, before that the application id.
 */
function row(
  base: CaseBase,
  state: CaseReportState,
  details: ExchangeStepDetails,
  source: SourceEvent,
  occurredAt: string,
  reason: "reported" | "case-number-assigned",
  caseNumber = state.caseNumber,
): ReportEvent {
  const step: ExchangeStep = details.step;
  return {
    type: "CaseStepReported",
    data: {
      rowId: `${base.applicationId}:${step}`,
      caseKey: caseNumber ?? base.applicationId,
      ...(caseNumber ? { caseNumber } : {}),
      ...base,
      step,
      stepName: exchangeStepNames[step],
      version: (state.rows[step]?.version ?? 0) + 1,
      occurredAt,
      details,
      source: { eventId: source.eventId, type: source.type },
      reason,
    },
  };
}

/** Every step after 申办 needs the case's submission reported first (per-case order guarantees it). */
function baseOf(state: CaseReportState, source: SourceEvent): CaseBase {
  if (!state.base) throw new NotFound(`no submission reported before ${source.type} ${source.eventId}`);
  return state.base;
}

function submission(c: ReportSubmission, state: CaseReportState): ReportEvent[] {
  if (state.base) return []; // an application is submitted once; nothing to re-report
  const { source, case: base, receivedOn } = c.data;
  const events = [
    row(base, state, { step: "application", receivedOn }, source, source.occurredAt, "reported"),
  ];
  if (ONLINE.has(base.channel)) {
    events.push(
      row(base, state, { step: "online-pre-acceptance", receivedOn }, source, source.occurredAt, "reported"),
    );
  }
  return events;
}

function correctionNotice(c: ReportCorrectionNotice, state: CaseReportState): ReportEvent[] {
  const { source, ...details } = c.data;
  const base = baseOf(state, c.data.source);
  return [row(base, state, { step: "correction-notice", ...details }, source, source.occurredAt, "reported")];
}

function supplement(c: ReportSupplement, state: CaseReportState): ReportEvent[] {
  const { source, ...details } = c.data;
  const base = baseOf(state, c.data.source);
  return [
    row(base, state, { step: "correction-acceptance", ...details }, source, source.occurredAt, "reported"),
  ];
}

/**
 * 受理: the acceptance row, after every earlier row re-reported under the 办件编号 (version + 1, same content
 * otherwise) — the exchange files a case under its 办件编号, which intake draws only at acceptance.
 */
function acceptance(c: ReportAcceptance, state: CaseReportState): ReportEvent[] {
  const { source, caseNumber, ...details } = c.data;
  const base = baseOf(state, source);
  if (state.caseNumber) throw new StateConflict(`case ${state.caseNumber} was accepted before`);
  const rereported = state.order.flatMap((step) => {
    const earlier = state.rows[step];
    if (!earlier) return [];
    return [
      row(base, state, earlier.details, source, earlier.occurredAt, "case-number-assigned", caseNumber),
    ];
  });
  return [
    ...rereported,
    row(base, state, { step: "acceptance", ...details }, source, source.occurredAt, "reported", caseNumber),
  ];
}

function refusal(c: ReportRefusal, state: CaseReportState): ReportEvent[] {
  const { source, ...details } = c.data;
  const base = baseOf(state, source);
  return [row(base, state, { step: "refusal", ...details }, source, source.occurredAt, "reported")];
}

/**
 * Approval's steps come after 受理: the case must have been reported as accepted (its 办件编号 known). On Kafka,
 * approval's topic can run ahead of intake's; the refusal makes the bus retry until intake's acceptance is in.
 */
function acceptedBase(state: CaseReportState, source: SourceEvent): CaseBase {
  const base = baseOf(state, source);
  if (!state.caseNumber) throw new NotFound(`the case's acceptance is not reported yet (${source.type})`);
  return base;
}

function approvalStep(c: ReportApprovalStep, state: CaseReportState): ReportEvent[] {
  const { source, step, ...details } = c.data;
  const base = acceptedBase(state, source);
  return [row(base, state, { step, ...details }, source, source.occurredAt, "reported")];
}

function specialProcedureStart(c: ReportSpecialProcedureStart, state: CaseReportState): ReportEvent[] {
  const { source, ...details } = c.data;
  const base = acceptedBase(state, source);
  return [
    row(
      base,
      state,
      { step: "special-procedure-request", ...details },
      source,
      source.occurredAt,
      "reported",
    ),
  ];
}

function specialProcedureEnd(c: ReportSpecialProcedureEnd, state: CaseReportState): ReportEvent[] {
  const { source, ...details } = c.data;
  const base = acceptedBase(state, source);
  return [
    row(base, state, { step: "special-procedure-result", ...details }, source, source.occurredAt, "reported"),
  ];
}

function conclusion(c: ReportConclusion, state: CaseReportState): ReportEvent[] {
  const { source, ...details } = c.data;
  const base = acceptedBase(state, source);
  return [row(base, state, { step: "conclusion", ...details }, source, source.occurredAt, "reported")];
}

/**
 * 领证: a certificate is issued and delivered after a 准予 decision (行政许可法 第三十九条, 第四十四条), so the row
 * follows 办结. On Kafka, approval's permit topic can run ahead of its case topic: until the conclusion is
 * reported the delivery is refused and the bus retries it. A delivery for a refused case contradicts approval's
 * own record: a conflict, not a row. A later delivery (the parcel came back and the holder collected it at the
 * window; a certificate re-issued under the same case) re-reports the row as its next version.
 */
function delivery(c: ReportDelivery, state: CaseReportState): ReportEvent[] {
  const { source, ...details } = c.data;
  const base = acceptedBase(state, source);
  const concluded = state.rows.conclusion?.details;
  if (concluded?.step !== "conclusion")
    throw new NotFound(`the case's conclusion is not reported yet (${source.type})`);
  if (concluded.outcome !== "approved")
    throw new StateConflict(`a certificate delivered for a case concluded as ${concluded.outcome}`);
  return [row(base, state, { step: "delivery", ...details }, source, source.occurredAt, "reported")];
}

export const caseReportDecider: Decider<ReportCommand, ReportEvent, CaseReportState> = {
  initialState: initialCaseReportState,
  evolve: evolveCaseReport,
  decide(command, state) {
    // A source event reported before reports nothing again (a redelivery, a replay of the feed).
    if (state.sources.has(command.data.source.eventId)) return [];
    switch (command.type) {
      case "ReportSubmission":
        return submission(command, state);
      case "ReportCorrectionNotice":
        return correctionNotice(command, state);
      case "ReportSupplement":
        return supplement(command, state);
      case "ReportAcceptance":
        return acceptance(command, state);
      case "ReportRefusal":
        return refusal(command, state);
      case "ReportApprovalStep":
        return approvalStep(command, state);
      case "ReportSpecialProcedureStart":
        return specialProcedureStart(command, state);
      case "ReportSpecialProcedureEnd":
        return specialProcedureEnd(command, state);
      case "ReportConclusion":
        return conclusion(command, state);
      case "ReportDelivery":
        return delivery(command, state);
      default: {
        const unknown: never = command;
        throw new Error(`unknown case report command ${JSON.stringify(unknown)}`);
      }
    }
  },
};
