import type { CaseStepReported, ExchangeStep } from "@gov/contracts";

/** The case-report aggregate's one event: a row (re-)reported to the exchange. */
export type ReportEvent = { type: "CaseStepReported"; data: CaseStepReported };

/** What every row of a case repeats: the application, its matter, its applicant and channel. */
export type CaseBase = Pick<CaseStepReported, "applicationId" | "matter" | "applicant" | "channel">;

/**
 * One case's rows as reported so far (stream `casestep-<applicationId>`): the last version of each step, the
 * 办件编号 once the case was accepted, and the source events already reported (a repeat reports nothing).
 */
export interface CaseReportState {
  base?: CaseBase;
  caseNumber?: string;
  rows: Partial<Record<ExchangeStep, CaseStepReported>>;
  /** The steps in the order they were first reported (re-reports keep this order). */
  order: ExchangeStep[];
  sources: ReadonlySet<string>;
}

export const initialCaseReportState = (): CaseReportState => ({ rows: {}, order: [], sources: new Set() });

export function evolveCaseReport(state: CaseReportState, event: ReportEvent): CaseReportState {
  switch (event.type) {
    case "CaseStepReported": {
      const row = event.data;
      const { applicationId, matter, applicant, channel } = row;
      return {
        base: state.base ?? { applicationId, matter, applicant, channel },
        ...((row.caseNumber ?? state.caseNumber)
          ? { caseNumber: (row.caseNumber ?? state.caseNumber) as string }
          : {}),
        rows: { ...state.rows, [row.step]: row },
        order: state.order.includes(row.step) ? state.order : [...state.order, row.step],
        sources: new Set([...state.sources, row.source.eventId]),
      };
    }
    default: {
      const unknown: never = event.type;
      throw new Error(`unknown case report event ${String(unknown)}`);
    }
  }
}
