import { reportTypes } from "@gov/aggregates";
import { type CommandHandler, commandHandler, type EventStore } from "@gov/eventsourcing";
import type { ReportCommand } from "../domain/case-report/commands.ts";
import { caseReportDecider } from "../domain/case-report/decide.ts";
import type { CaseReportState, ReportEvent } from "../domain/case-report/report.ts";

export const SOURCE = "gov.exchange";
/** The stream category `casestep`: the relay publishes it to `gov.exchange.casestep.v1`. */
export const caseReportStream = (applicationId: string) => `casestep-${applicationId}`;
export { reportTypes };

export type CaseReports = CommandHandler<ReportCommand, ReportEvent, CaseReportState>;

/**
 * The one command path for the feed: one stream per application, its events' `caseid` the application id (so
 * that they share the case's partition with intake's events).
 */
export function caseReports(store: EventStore): CaseReports {
  return commandHandler({
    store,
    decider: caseReportDecider,
    types: reportTypes,
    source: SOURCE,
    stream: caseReportStream,
  });
}
