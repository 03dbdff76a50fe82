import type { ProjectionDatabase, ProjectionHandle } from "@gov/eventsourcing/projections";
import type { Subscription } from "@gov/messaging";
import { type ServiceDeps, startServiceProjection } from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";
import { type CaseReports, caseReports } from "./application/reports.ts";
import { exchangeRoutes } from "./http/routes.ts";
import { followedTopics, GROUP, reportCaseEvent } from "./reactions/case-events.ts";
import { caseStepsProjection, SqlCaseSteps } from "./read-models/case-steps-sql.ts";

export { caseReportStream, caseReports, SOURCE } from "./application/reports.ts";
export { followedTopics, GROUP, reportFor } from "./reactions/case-events.ts";
export { type CaseStepReport, caseStepsProjection, SqlCaseSteps } from "./read-models/case-steps-sql.ts";

export interface ExchangeModuleOptions {
  /** A projection database opened by the caller (default: the one the settings name); the caller closes it. */
  projectionDb?: ProjectionDatabase;
  /** The consumer group that follows intake's events (default `exchange-case-steps`). */
  groupId?: string;
}

export type ExchangeModule = ServiceModule & {
  reports: CaseReports;
  steps: SqlCaseSteps;
  projection: ProjectionHandle;
  subscription: Subscription;
};

/**
 * The exchange service (数据交换, docs/exchange.md) as a module: it follows intake's application events and approval's case events on the bus
 * (the store's own log in embedded mode, Kafka in distributed mode), reports each lifecycle step as a row on its
 * own `casestep-<applicationId>` streams (which the relay publishes to `gov.exchange.casestep.v1`), and keeps
 * every report in a SQL projection for the daily export.
 */
export async function exchangeModule(
  deps: ServiceDeps,
  options: ExchangeModuleOptions = {},
): Promise<ExchangeModule> {
  const clock = deps.clock ?? (() => new Date().toISOString());
  const reports = caseReports(deps.store);
  // <DATA_DIR>/exchange-projections.db in embedded mode, the schema exchange_projections in distributed mode.
  const read = await startServiceProjection(deps, "exchange", caseStepsProjection, {
    lagHelp: "Case-step reports the export has not applied yet (capped)",
    ...(options.projectionDb ? { db: options.projectionDb } : {}),
  });
  const projection = read.projection;
  const steps = new SqlCaseSteps(projection);
  const subscription = await deps.bus.subscribe({
    groupId: options.groupId ?? GROUP,
    topics: followedTopics,
    handle: (event) => reportCaseEvent(reports, event, clock(), deps.logger),
    // On Kafka, approval's topic may run ahead of intake's: a step of a case whose acceptance is not reported
    // yet is retried (about 20 s of back-off) before it goes to the dead letters, from which it can be replayed.
    maxAttempts: 12,
  });
  return {
    name: "exchange",
    prefix: "/exchange",
    reports,
    steps,
    projection,
    subscription,
    routes: exchangeRoutes({ steps }),
    readModels: [read.readModel],
    gauges: [
      read.lagGauge,
      {
        name: "exchange_feed_consumer_lag",
        help: "Intake events the feed has not reported yet",
        value: () => subscription.lag(),
      },
    ],
    close: async () => {
      await subscription.stop();
    },
  };
}
