import { join } from "node:path";
import type { ProjectionHandle } from "@gov/eventsourcing/projections";
import {
  type AuditKey,
  auditKeyFromEnv,
  domainErrorMapper,
  type ServiceDeps,
  startSchedule,
  startServiceProjection,
} from "@gov/runtime";
import type { ServiceModule } from "@gov/service-kit";
import { CaseQueries } from "./application/cases.ts";
import { AuditLedger } from "./application/ledger.ts";
import { auditRoutes } from "./http/routes.ts";
import { Trail, trailProjection } from "./read-models/trail.ts";

export { type AuditBundle, type BundleVerification, verifyBundle } from "./application/bundle.ts";
export { CaseQueries, type Timeline } from "./application/cases.ts";
export { AuditLedger, eventLeaf } from "./application/ledger.ts";
export { type StoreVerification, verifyStore } from "./application/verify-store.ts";
export { type Checkpoint, checkpointNote, verifyCheckpoint } from "./domain/ledger/checkpoint.ts";
export { Trail, trailProjection } from "./read-models/trail.ts";

export interface AuditModuleOptions {
  /** How often a checkpoint is signed (default hourly; 0: only on demand, POST /audit/checkpoints). */
  checkpointIntervalMs?: number;
  /** The signing key (default: `AUDIT_SIGNING_KEY`, or the development key outside production). */
  key?: AuditKey;
}

export type AuditModule = ServiceModule & {
  trail: Trail;
  ledger: AuditLedger;
  cases: CaseQueries;
  projection: ProjectionHandle;
  key: AuditKey;
};

/**
 * The audit service (审计) as a module: a read side with its own state. Its trail follows every event of the
 * log (all categories); it keeps the whole-log Merkle tree over them and signs checkpoints periodically and on
 * demand; every read of a case is recorded with its reason.
 */
export async function auditModule(deps: ServiceDeps, options: AuditModuleOptions = {}): Promise<AuditModule> {
  const clock = deps.clock ?? (() => new Date().toISOString());
  const key = options.key ?? auditKeyFromEnv(deps.settings.AUDIT_SIGNING_KEY);
  const read = await startServiceProjection(deps, "audit", trailProjection, {
    lagHelp: "Events of the log the audit trail has not recorded yet (capped)",
  });
  const projection = read.projection;
  const trail = new Trail(projection);
  const checkpointDir =
    deps.settings.EVENT_STORE === "sqlite" ? join(deps.settings.DATA_DIR, "audit-checkpoints") : undefined;
  const ledger = new AuditLedger({ store: deps.store, trail, key, checkpointDir });
  const cases = new CaseQueries({ store: deps.store, trail, ledger, key });
  const system = { id: "audit-checkpointer", role: "system" as const };
  const schedule = startSchedule({
    name: "audit-checkpoints",
    intervalMs: options.checkpointIntervalMs ?? 3_600_000,
    ready: () => projection.caughtUp,
    run: async () => {
      await ledger.checkpoint({ actor: system, now: clock() });
    },
    logger: deps.logger,
  });
  return {
    name: "audit",
    prefix: "/audit",
    trail,
    ledger,
    cases,
    projection,
    key,
    routes: auditRoutes({ store: deps.store, trail, ledger, cases, key, clock }),
    errorMappers: [domainErrorMapper],
    readModels: [read.readModel],
    gauges: [read.lagGauge],
    close: async () => {
      await schedule.stop();
    },
  };
}
