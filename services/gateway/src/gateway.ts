import {
  type App,
  buildApp,
  createLogger,
  type DestinationStream,
  type KitConfig,
  type ServiceModule,
} from "@gov/service-kit";
import { embeddedModules } from "./modules.ts";

/** The embedded platform: every service module in one app, with the root endpoints. */
export async function createGateway(
  config: KitConfig,
  options: { modules?: ServiceModule[]; logStream?: DestinationStream } = {},
): Promise<App> {
  const logger = createLogger({
    level: config.LOG_LEVEL,
    pretty: config.NODE_ENV === "development",
    ...(options.logStream ? { stream: options.logStream } : {}),
  });
  return buildApp({
    modules: options.modules ?? embeddedModules(),
    config,
    logger,
    title: "政务服务 platform (embedded)",
  });
}
