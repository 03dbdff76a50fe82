import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { openSqliteEventStore } from "@gov/eventsourcing";
import { EmbeddedEventBus, registerLagMetric } from "@gov/messaging";
import {
  type App,
  buildApp,
  createLogger,
  type DestinationStream,
  type KitConfig,
  type ServiceModule,
} from "@gov/service-kit";
import { embeddedModules } from "./modules.ts";

export interface GatewayOptions {
  /** Folder of the SQLite event-store file (default `.data` under the working directory). */
  dataDir?: string;
  /** Load each module's demo data (`seedDemo`) after start-up (default false; `./scripts/start` turns it on). */
  seedDemo?: boolean;
  logStream?: DestinationStream;
}

/**
 * The embedded platform: one SQLite event store, the embedded bus over its log, every service module in one
 * app, the root endpoints. The store is the first module so that it is closed last on shutdown, after the
 * bus (second) and every service.
 */
export async function createGateway(config: KitConfig, options: GatewayOptions = {}): Promise<App> {
  const logger = createLogger({
    level: config.LOG_LEVEL,
    pretty: config.NODE_ENV === "development",
    ...(options.logStream ? { stream: options.logStream } : {}),
  });
  const dataDir = options.dataDir ?? ".data";
  mkdirSync(dataDir, { recursive: true });
  const store = openSqliteEventStore({ path: join(dataDir, "platform.db") });
  const storeModule: ServiceModule = {
    name: "event-store",
    prefix: "/",
    routes: async () => {},
    readiness: [{ name: "event-store", check: () => store.ping() }],
    close: () => store.close(),
  };
  const bus = new EmbeddedEventBus(store, store.checkpoints, logger);
  const busModule: ServiceModule = {
    name: "event-bus",
    prefix: "/",
    routes: async () => {},
    close: () => bus.close(),
  };
  const modules = [storeModule, busModule, ...embeddedModules({ store, bus })];
  const app = await buildApp({ modules, config, logger, title: "政务服务 platform (embedded)" });
  registerLagMetric(app.metrics.registry, bus);
  if (options.seedDemo) {
    // In module order: a later module's demo data may build on an earlier one's.
    for (const m of modules) await m.seedDemo?.();
  }
  return app;
}
