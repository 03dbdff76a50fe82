import { reportTypes, reportUpcasters } from "@gov/aggregates";
import { type CommandHandler, commandHandler, type EventStore, type Json, upcast } from "@gov/eventsourcing";
import type { ReportCommand } from "../domain/case-report/commands.ts";
import { caseReportDecider } from "../domain/case-report/decide.ts";
import type { CaseReportState, ReportEvent } from "../domain/case-report/report.ts";

export const SOURCE = "gov.exchange";
/** The stream category `casestep`: the relay publishes it to `gov.exchange.casestep.v1`. */
export const caseReportStream = (applicationId: string) => `casestep-${applicationId}`;

/**
 * The row types: new rows are written as v2 only; v1 is read through the upcaster (docs/exchange.md, "Versions").
 * Defined in @gov/aggregates with the case report's fold, so the audit service reads stored rows the same way.
 */
export { reportTypes, reportUpcasters };

/** A stored report of either version as the current row type (the projection's handlers use it). */
export const currentReport = (type: string, data: Json) => upcast(type, data, reportUpcasters);

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
