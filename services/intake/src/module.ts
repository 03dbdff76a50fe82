import type { PublishedCalendar } from "@gov/calendar";
import type { ProjectionHandle } from "@gov/eventsourcing/projections";
import {
  domainErrorMapper,
  piiIndexKey,
  type ServiceDeps,
  startSchedule,
  startServiceProjection,
} from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";
import { applicationHandler } from "./application/applications.ts";
import { intakeScheduler, PROCESS } from "./application/scheduler.ts";
import type { WorkingDays } from "./domain/application/decide.ts";
import { intakeRoutes } from "./http/routes.ts";
import { applicationsProjection, SqlApplications } from "./read-models/applications-sql.ts";
import { CreditCopy, creditCopyProjection } from "./read-models/credit-copy.ts";
import { MattersCopy, mattersCopyProjection } from "./read-models/matters-copy.ts";

export type { ApplicationView } from "./read-models/applications.ts";
export { ApplicationsModel } from "./read-models/applications.ts";
export { applicationsProjection, SqlApplications } from "./read-models/applications-sql.ts";

export interface IntakeModuleOptions {
  /** How often the scheduled processes run (default every minute; 0: only through POST /intake/scheduler/run). */
  schedulerIntervalMs?: number;
  /**
   * The working-day calendar deadlines are counted with (default: intake's copy of the calendar the matters
   * service publishes, from its topic).
   */
  calendar?: WorkingDays;
}

/**
 * The intake service (受理) as a module. It keeps its own copies of the catalog and of credit statuses from
 * their events (never calling those services), its applications from its own log, and runs the deadlines of
 * 行政许可法 第三十二条 and of 容缺 as a scheduled process.
 */
export async function intakeModule(deps: ServiceDeps, options: IntakeModuleOptions = {}) {
  const clock = deps.clock ?? (() => new Date().toISOString());
  // Every read model of intake lives in SQL beside the event store (docs/projections.md): the SQLite file
  // <DATA_DIR>/intake-projections.db, or the PostgreSQL schema intake_projections; none is rebuilt on start.
  const read = await startServiceProjection(deps, "intake", applicationsProjection, {
    lagHelp: "Application events the applications read model has not applied yet (capped at 10000)",
  });
  const { projection } = read;
  // Its copies of the catalog, of credit statuses and of the published working-day calendar (docs/calendar.md),
  // from their topics, with the topics' offsets in the same transactions: a restart resumes where it was.
  const published = await read.calendarCopy();
  const matters = new MattersCopy(await read.copy(mattersCopyProjection));
  const credit = new CreditCopy(await read.copy(creditCopyProjection));
  const applications = new SqlApplications(projection);
  const calendar: WorkingDays = options.calendar ?? {
    addWorkingDays: (start, days) => published.calendar.current().addWorkingDays(start, days),
    versionsUsed: (from, to) => published.calendar.current().versionsUsed(from, to),
  };
  const handler = applicationHandler(deps.store, calendar);
  const scheduler = intakeScheduler({ handler, store: deps.store, logger: deps.logger }, applications);
  const schedule = startSchedule({
    name: PROCESS,
    intervalMs: options.schedulerIntervalMs ?? 60_000,
    ready: () => projection.caughtUp,
    run: () => scheduler.run(clock()),
    logger: deps.logger,
  });
  const module: ServiceModule & {
    calendar: PublishedCalendar;
    applications: SqlApplications;
    projection: ProjectionHandle;
    matters: MattersCopy;
    credit: CreditCopy;
  } = {
    name: "intake",
    prefix: "/intake",
    get calendar() {
      return published.calendar;
    },
    applications,
    projection,
    matters,
    credit,
    routes: intakeRoutes({
      handler,
      store: deps.store,
      matters,
      credit,
      indexKey: piiIndexKey(deps.settings),
      applications,
      scheduler,
      clock,
    }),
    errorMappers: [domainErrorMapper],
    readModels: [read.readModel],
    gauges: [read.lagGauge],
    readiness: read.copiesReadiness(),
    close: async () => {
      await schedule.stop();
    },
  };
  return module;
}
