import type { ProjectionHandle } from "@gov/eventsourcing/projections";
import type { KeyVault } from "@gov/pii";
import {
  domainErrorMapper,
  openKeyVault,
  piiIndexKey,
  type ServiceDeps,
  startSchedule,
  startServiceProjection,
} from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";
import { runDueProcesses, SCHEDULER } from "./application/scheduler.ts";
import { type SubjectCommands, subjectCommands } from "./application/subjects.ts";
import { seedDemoSubjects } from "./demo/seed.ts";
import { type MeasuresList, measuresV1 } from "./domain/measures.ts";
import { creditRoutes } from "./http/routes.ts";
import { reactionTopics, reactToFinding } from "./reactions/findings.ts";
import { registryProjection, SqlRegistry } from "./read-models/registry-sql.ts";

export type { Registration } from "./application/register.ts";
export { registerSubject } from "./application/register.ts";
export { SOURCE, type SubjectCommands, subjectStream, subjectTypes } from "./application/subjects.ts";
export { type MeasuresList, measuresV1 } from "./domain/measures.ts";
export type { CreditRegistry, SubjectView } from "./read-models/registry.ts";
export { registryProjection, SqlRegistry } from "./read-models/registry-sql.ts";

export interface CreditModuleOptions {
  /** How often the scheduled process runs (default every minute; 0: only through POST /credit/scheduler/run). */
  schedulerIntervalMs?: number;
  measures?: MeasuresList;
  /** A vault opened by the caller (default: the one the settings name). */
  vault?: KeyVault;
  /** Look-ups one caller may make in any 60 seconds (default: `CREDIT_LOOKUPS_PER_MINUTE`, else 60). */
  lookupsPerMinute?: number;
}

/** `CREDIT_LOOKUPS_PER_MINUTE`: a positive whole number; anything else stops the start, naming the variable. */
export function lookupsPerMinuteFrom(env: Record<string, string | undefined>): number {
  const raw = env.CREDIT_LOOKUPS_PER_MINUTE;
  if (raw === undefined || raw === "") return 60;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`CREDIT_LOOKUPS_PER_MINUTE: must be a positive whole number (got "${raw}")`);
  return n;
}

export type CreditModule = ServiceModule & {
  /** The one command path for subjects (reactions, demo data and tests issue commands through it). */
  subjects: SubjectCommands;
  registry: SqlRegistry;
  projection: ProjectionHandle;
  measures: MeasuresList;
  vault: KeyVault;
  indexKey: Buffer;
};

/**
 * The credit service (信用) as a module: its registry follows the log from the start; it reacts to findings
 * of review-and-monitor and approval through the bus; a scheduled process lets entries take effect and expire.
 * Commands and the scheduler read `deps.clock` (default: the system clock).
 */
export async function creditModule(
  deps: ServiceDeps,
  options: CreditModuleOptions = {},
): Promise<CreditModule> {
  const clock = deps.clock ?? (() => new Date().toISOString());
  const { logger } = deps;
  const vault = options.vault ?? (await openKeyVault(deps.settings, "credit"));
  const indexKey = piiIndexKey(deps.settings);
  const measures = options.measures ?? measuresV1;
  const subjects = subjectCommands(deps.store, measures, vault);
  // The registry lives in SQL beside the event store (docs/projections.md): the SQLite file
  // <DATA_DIR>/credit-projections.db, or the PostgreSQL schema credit_projections; not rebuilt on start.
  const read = await startServiceProjection(deps, "credit", registryProjection(measures), {
    lagHelp: "Subject events the credit registry has not applied yet (capped)",
  });
  const projection = read.projection;
  const registry = new SqlRegistry(projection);
  const reactions = await deps.bus.subscribe({
    groupId: "credit-reactions",
    topics: reactionTopics,
    handle: (event) => reactToFinding({ subjects, measures }, event, clock()),
  });
  const schedule = startSchedule({
    name: SCHEDULER,
    intervalMs: options.schedulerIntervalMs ?? 60_000,
    ready: () => projection.caughtUp,
    run: () => runDueProcesses(subjects, registry, clock(), logger),
    logger,
  });
  return {
    name: "credit",
    prefix: "/credit",
    subjects,
    registry,
    projection,
    measures,
    vault,
    indexKey,
    routes: creditRoutes({
      store: deps.store,
      subjects,
      registry,
      measures,
      vault,
      indexKey,
      clock,
      logger,
      lookupsPerMinute: options.lookupsPerMinute ?? lookupsPerMinuteFrom(process.env),
    }),
    errorMappers: [domainErrorMapper],
    readModels: [read.readModel],
    gauges: [read.lagGauge],
    seedDemo: () => seedDemoSubjects({ subjects, vault, indexKey, measures }, clock),
    close: async () => {
      await schedule.stop();
      await reactions.stop();
      if (!options.vault) await vault.close();
    },
  };
}
