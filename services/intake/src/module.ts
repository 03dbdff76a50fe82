import { PublishedCalendar } from "@gov/calendar";
import { topics } from "@gov/contracts";
import { memoryReadModel } from "@gov/eventsourcing";
import type { Subscription } from "@gov/messaging";
import { domainErrorMapper, piiIndexKey, type ServiceDeps, startSchedule } from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";
import { applicationHandler } from "./application/applications.ts";
import { intakeScheduler, PROCESS } from "./application/scheduler.ts";
import type { WorkingDays } from "./domain/application/decide.ts";
import { intakeRoutes } from "./http/routes.ts";
import { ApplicationsModel } from "./read-models/applications.ts";
import { CreditCopy, creditTopics } from "./read-models/credit-copy.ts";
import { MattersCopy, mattersTopics } from "./read-models/matters-copy.ts";

export type { ApplicationView } from "./read-models/applications.ts";
export { ApplicationsModel } from "./read-models/applications.ts";

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
  const applications = memoryReadModel(deps.store, {
    name: "intake-applications",
    categories: ["application"],
    create: () => new ApplicationsModel(),
  });
  const calendar: WorkingDays = options.calendar ?? {
    addWorkingDays: (start, days) => published.current().addWorkingDays(start, days),
    versionsUsed: (from, to) => published.current().versionsUsed(from, to),
  };
  const handler = applicationHandler(deps.store, calendar);
  const scheduler = intakeScheduler({ handler, store: deps.store, logger: deps.logger }, applications.model);
  const schedule = startSchedule({
    name: PROCESS,
    intervalMs: options.schedulerIntervalMs ?? 60_000,
    ready: () => applications.caughtUp,
    run: () => scheduler.run(clock()),
    logger: deps.logger,
  });
  const module: ServiceModule & {
    calendar: PublishedCalendar;
    applications: ApplicationsModel;
    matters: MattersCopy;
    credit: CreditCopy;
  } = {
    name: "intake",
    prefix: "/intake",
    calendar: published,
    applications: applications.model,
    matters,
    credit,
    routes: intakeRoutes({
      handler,
      store: deps.store,
      matters,
      credit,
      indexKey: piiIndexKey(deps.settings),
      applications: applications.model,
      scheduler,
      clock,
    }),
    errorMappers: [domainErrorMapper],
    readModels: [applications],
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
