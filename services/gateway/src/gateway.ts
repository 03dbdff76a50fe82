import { mkdirSync } from "node:fs";
import {
  clockModule,
  deadLetterModule,
  type RuntimeSettings,
  runtimeProblems,
  startInfrastructure,
} from "@gov/runtime";
import {
  type App,
  buildApp,
  ConfigError,
  createLogger,
  type DestinationStream,
  type KitConfig,
} from "@gov/service-kit";
import { embeddedModules } from "./modules.ts";

export interface GatewayOptions {
  /** Folder of the SQLite event-store file (default `.data` under the working directory). */
  dataDir?: string;
  /**
   * Load each module's demo data (`seedDemo`, in module order) before returning (default false;
   * `./scripts/start` turns it on); `/health/ready` counts it (`demo-data`).
   */
  seedDemo?: boolean;
  logStream?: DestinationStream;
  /** PII_INDEX_KEY and PII_MASTER_KEY (development keys when absent outside production). */
  piiIndexKey?: string;
  piiMasterKey?: string;
  /** AUDIT_SIGNING_KEY: the audit service's Ed25519 checkpoint key (docs/audit.md). */
  auditSigningKey?: string;
  /** CLOCK=adjustable: tests move the platform's clock with `PUT /<service>/_clock` (never in production). */
  adjustableClock?: boolean;
  /** CLOCK_OFFSET_MS, with `adjustableClock` only: the clock runs this far ahead of the system's from the start. */
  clockOffsetMs?: number;
  /** CALENDAR_WARN_FROM: month-day from which a missing next-year calendar is a readiness warning (11-01). */
  calendarWarnFrom?: string;
}

/**
 * The embedded platform: one SQLite event store, the embedded bus over its log, every service module in one
 * app, the root endpoints. The store and bus are the app's infrastructure: ready when they answer, closed
 * after every service.
 */
export async function createGateway(config: KitConfig, options: GatewayOptions = {}): Promise<App> {
  if (options.adjustableClock && config.NODE_ENV === "production") {
    throw new ConfigError([
      { variable: "CLOCK", message: "an adjustable clock is for tests, never in production" },
    ]);
  }
  const logger = createLogger({
    level: config.LOG_LEVEL,
    pretty: config.NODE_ENV === "development",
    ...(options.logStream ? { stream: options.logStream } : {}),
  });
  const dataDir = options.dataDir ?? ".data";
  mkdirSync(dataDir, { recursive: true });
  const settings: RuntimeSettings = {
    EVENT_STORE: "sqlite",
    DATA_DIR: dataDir,
    EVENT_STORE_SCHEMA: "event_store",
    EVENT_BUS: "embedded",
    KAFKA_PARTITIONS: 3,
    KAFKA_REPLICATION_FACTOR: 1,
    RELAY: "off",
    RELAY_LEASE_TTL_MS: 10_000,
    DEMO_DATA: options.seedDemo ? "true" : "false",
    CLOCK: options.adjustableClock ? "adjustable" : "system",
    ...(options.clockOffsetMs !== undefined ? { CLOCK_OFFSET_MS: options.clockOffsetMs } : {}),
    CALENDAR_WARN_FROM: options.calendarWarnFrom ?? "11-01",
    ...(options.piiIndexKey ? { PII_INDEX_KEY: options.piiIndexKey } : {}),
    ...(options.piiMasterKey ? { PII_MASTER_KEY: options.piiMasterKey } : {}),
    ...(options.auditSigningKey ? { AUDIT_SIGNING_KEY: options.auditSigningKey } : {}),
  };
  // The cross-field rules every service process applies (CLOCK_OFFSET_MS only with CLOCK=adjustable, …).
  const problems = runtimeProblems(settings);
  if (problems.length > 0) throw new ConfigError(problems);
  const infra = await startInfrastructure(settings, logger);
  const services = await embeddedModules(infra);
  const clocks = options.adjustableClock
    ? services.map((m) => clockModule(infra.adjustableClock, m.prefix))
    : [];
  const app = await buildApp({
    modules: [...services, ...clocks, deadLetterModule(infra.bus)],
    config,
    logger,
    title: "政务服务 platform (embedded)",
    infrastructure: infra,
    demoData: options.seedDemo ?? false,
  });
  infra.attachMetrics(app.metrics.registry);
  if (options.seedDemo) await app.seedDemo();
  return app;
}
