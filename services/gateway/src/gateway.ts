import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { openSqliteEventStore } from "@gov/eventsourcing";
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
  logStream?: DestinationStream;
}

/**
 * The embedded platform: one SQLite event store, every service module in one app, the root endpoints.
 * The store is the first module so that it is closed last on shutdown.
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
  return buildApp({
    modules: [storeModule, ...embeddedModules({ store })],
    config,
    logger,
    title: "政务服务 platform (embedded)",
  });
}
