import { officialCalendar } from "@gov/calendar";
import { memoryReadModel } from "@gov/eventsourcing";
import type { Subscription } from "@gov/messaging";
import { domainErrorMapper, piiIndexKey, type ServiceDeps, startSchedule } from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";
import { IntakeService } from "./application/intake-service.ts";
import { runDueProcesses } from "./application/scheduler.ts";
import { intakeRoutes } from "./http/routes.ts";
import { ApplicationsModel } from "./read-models/applications.ts";
import { CreditView, creditTopics } from "./views/credit-view.ts";
import { MattersView, mattersTopics } from "./views/matters-view.ts";

export { IntakeService } from "./application/intake-service.ts";

export interface IntakeModuleOptions {
  /** The clock of commands and of the scheduler (tests move it; default: the system clock). */
  clock?: () => string;
  /** How often the scheduled processes run (default every minute; 0: only through POST /intake/scheduler/run). */
  schedulerIntervalMs?: number;
}

/**
 * The intake service (受理) as a module. It keeps its own copies of the catalog and of credit statuses from
 * their events (never calling those services), its applications from its own log, and runs the Art. 32 and
 * 容缺 deadlines as a scheduled process.
 */
export async function intakeModule(deps: ServiceDeps, options: IntakeModuleOptions = {}) {
  const clock = options.clock ?? deps.clock ?? (() => new Date().toISOString());
  const matters = new MattersView();
  const credit = new CreditView();
  const subscriptions: Subscription[] = [
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
  const projection = memoryReadModel(deps.store, {
    name: "intake-applications",
    categories: ["application"],
    create: () => new ApplicationsModel(),
  });
  const service = new IntakeService({
    store: deps.store,
    matters,
    credit,
    calendar: officialCalendar(),
    indexKey: piiIndexKey(deps.settings),
  });
  const schedule = startSchedule(
    options.schedulerIntervalMs ?? 60_000,
    () => projection.caughtUp,
    () => runDueProcesses(service, projection.model, clock()),
  );
  const module: ServiceModule & {
    service: IntakeService;
    applications: ApplicationsModel;
    matters: MattersView;
    credit: CreditView;
  } = {
    name: "intake",
    prefix: "/intake",
    service,
    applications: projection.model,
    matters,
    credit,
    routes: intakeRoutes(service, projection.model, clock),
    errorMappers: [domainErrorMapper],
    readModels: [projection],
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
      await projection.close();
    },
  };
  return module;
}
