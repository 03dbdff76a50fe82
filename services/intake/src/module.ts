import { PublishedCalendar } from "@gov/calendar";
import { topics } from "@gov/contracts";
import { type ProjectionHandle, startProjection } from "@gov/eventsourcing/projections";
import type { Subscription } from "@gov/messaging";
import {
  domainErrorMapper,
  openProjectionDatabase,
  piiIndexKey,
  type ServiceDeps,
  startSchedule,
} from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";
import { applicationHandler } from "./application/applications.ts";
import { intakeScheduler, PROCESS } from "./application/scheduler.ts";
import type { WorkingDays } from "./domain/application/decide.ts";
import { intakeRoutes } from "./http/routes.ts";
import { applicationsProjection, SqlApplications } from "./read-models/applications-sql.ts";
import { CreditCopy, creditTopics } from "./read-models/credit-copy.ts";
import { MattersCopy, mattersTopics } from "./read-models/matters-copy.ts";

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
  const matters = new MattersCopy();
  const credit = new CreditCopy();
  // Intake's copy of the published working-day calendar (docs/calendar.md): every deadline counts with it.
  const published = new PublishedCalendar();
  const subscriptions: Subscription[] = [
    await deps.bus.subscribe({
      groupId: "intake-calendar-view",
      topics: [topics.matters.calendar],
      ephemeral: true,
      handle: (e) => void published.apply(e),
    }),
    await deps.bus.subscribe({
      groupId: "intake-matters-view",
      topics: mattersTopics,
      ephemeral: true,
      handle: (e) => matters.apply(e),
    }),
    await deps.bus.subscribe({
      groupId: "intake-credit-view",
      topics: creditTopics,
      ephemeral: true,
      handle: (e) => credit.apply(e),
    }),
  ];
  // The applications read model lives in SQL beside the event store (docs/projections.md): the SQLite file
  // <DATA_DIR>/intake-projections.db, or the PostgreSQL schema intake_projections; not rebuilt on start.
  const projectionDb = await openProjectionDatabase(deps.settings, "intake");
  const projection = await startProjection(deps.store, projectionDb, applicationsProjection, {
    logger: deps.logger,
  });
  const applications = new SqlApplications(projection);
  const calendar: WorkingDays = options.calendar ?? {
    addWorkingDays: (start, days) => published.current().addWorkingDays(start, days),
    versionsUsed: (from, to) => published.current().versionsUsed(from, to),
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
    calendar: published,
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
    readModels: [
      {
        name: projection.name,
        readiness: projection.readiness,
        waitFor: (position, timeoutMs) => projection.waitFor(position, timeoutMs),
        close: async () => {
          await projection.close();
          await projectionDb.close();
        },
      },
    ],
    gauges: [
      {
        name: "intake_applications_projection_lag",
        help: "Application events the applications read model has not applied yet (capped at 10000)",
        value: () => projection.lag(),
      },
    ],
    readiness: [
      {
        name: "intake-read-models",
        check: async () => {
          for (const s of subscriptions) {
            const lag = await s.lag();
            if (lag > 0) throw new Error(`${s.groupId} is ${lag} events behind`);
          }
        },
      },
    ],
    close: async () => {
      await schedule.stop();
      for (const s of subscriptions) await s.stop();
    },
  };
  return module;
}
