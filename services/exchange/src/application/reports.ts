import { exchangeEventSchemas, exchangeEventTypes } from "@gov/contracts";
import {
  type CommandHandler,
  commandHandler,
  type EventStore,
  EventTypes,
  type Json,
  type Upcasters,
  upcast,
} from "@gov/eventsourcing";
import type { ReportCommand } from "../domain/case-report/commands.ts";
import { caseReportDecider } from "../domain/case-report/decide.ts";
import type { CaseReportState, ReportEvent } from "../domain/case-report/report.ts";

export const SOURCE = "gov.exchange";
/** The stream category `casestep`: the relay publishes it to `gov.exchange.casestep.v1`. */
export const caseReportStream = (applicationId: string) => `casestep-${applicationId}`;

/**
 * Rows stored as `gov.exchange.casestep.reported.v1` (before 领证 was reported) read as v2. Every v1 row is a v2
 * row as it is: v2 only adds the `delivery` member to `details`. Stored events are never rewritten.
 */
export const reportUpcasters: Upcasters = {
  [exchangeEventTypes.CaseStepReportedV1]: (data) => ({ type: exchangeEventTypes.CaseStepReported, data }),
};

/** A stored report of either version as the current row type (the projection's handlers use it). */
export const currentReport = (type: string, data: Json) => upcast(type, data, reportUpcasters);

/** New rows are written as v2 only; v1 is read through the upcaster (docs/exchange.md, "Versions"). */
export const reportTypes = new EventTypes<ReportEvent>(
  { CaseStepReported: exchangeEventTypes.CaseStepReported },
  { schemas: { CaseStepReported: exchangeEventSchemas.CaseStepReported }, upcasters: reportUpcasters },
);

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
