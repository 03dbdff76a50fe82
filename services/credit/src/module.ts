import type { KeyVault } from "@gov/pii";
import { domainErrorMapper, openKeyVault, piiIndexKey, type ServiceDeps, startSchedule } from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";
import { CreditService } from "./application/credit-service.ts";
import { runDueProcesses } from "./application/scheduler.ts";
import { seedDemoSubjects } from "./demo/seed.ts";
import { type MeasuresList, measuresV1 } from "./domain/measures.ts";
import { creditRoutes } from "./http/routes.ts";
import { reactionTopics, reactToFinding } from "./reactions/findings.ts";
import { registryReadModel } from "./read-models/registry-projection.ts";

export { CreditService } from "./application/credit-service.ts";
export { measuresV1 } from "./domain/measures.ts";

export interface CreditModuleOptions {
  /** The clock of commands and of the scheduler (tests move it; default: the system clock). */
  clock?: () => string;
  /** How often the scheduled process runs (default every minute; 0: only through POST /credit/scheduler/run). */
  schedulerIntervalMs?: number;
  measures?: MeasuresList;
  /** A vault opened by the caller (default: the one the settings name). */
  vault?: KeyVault;
}

/**
 * The credit service (信用) as a module: its registry follows the log from the start; it reacts to findings
 * of review-and-monitor and approval through the bus; a scheduled process lets entries take effect and expire.
 */
export async function creditModule(
  deps: ServiceDeps,
  options: CreditModuleOptions = {},
): Promise<
  ServiceModule & { service: CreditService; registry: ReturnType<typeof registryReadModel>["model"] }
> {
  const clock = options.clock ?? deps.clock ?? (() => new Date().toISOString());
  const vault = options.vault ?? (await openKeyVault(deps.settings, "credit"));
  const service = new CreditService({
    store: deps.store,
    vault,
    indexKey: piiIndexKey(deps.settings),
    measures: options.measures ?? measuresV1,
  });
  const projection = registryReadModel(deps.store);
  const reactions = await deps.bus.subscribe({
    groupId: "credit-reactions",
    topics: reactionTopics,
    handle: (event) => reactToFinding(service, event, clock()),
  });
  const schedule = startSchedule(
    options.schedulerIntervalMs ?? 60_000,
    () => projection.caughtUp,
    () => runDueProcesses(service, projection.model, clock()),
  );
  return {
    name: "credit",
    prefix: "/credit",
    service,
    registry: projection.model,
    routes: creditRoutes(service, projection.model, clock),
    errorMappers: [domainErrorMapper],
    readModels: [projection],
    seedDemo: async () => {
      await seedDemoSubjects(service, clock);
    },
    close: async () => {
      await schedule.stop();
      await reactions.stop();
      await projection.close();
      if (!options.vault) await vault.close();
    },
  };
}
