import {
  type App,
  buildApp,
  createLogger,
  installGracefulShutdown,
  type KitConfig,
  type ServiceModule,
} from "@gov/service-kit";
import { clockModule } from "./clock.ts";
import {
  configOrExit,
  loadCheckedConfig,
  type RuntimeSettings,
  runtimeConfig,
  runtimeProblems,
} from "./config.ts";
import { type ServiceDeps, type ServiceScope, startInfrastructure } from "./infrastructure.ts";

export interface ServiceDefinition extends ServiceScope {
  module(deps: ServiceDeps): ServiceModule | Promise<ServiceModule>;
}

/**
 * Reads and checks the environment, with the production checks (`productionProblems`); every bad or missing
 * variable is named in one ConfigError.
 */
export function loadRuntimeConfig(env: Record<string, string | undefined>): KitConfig & RuntimeSettings {
  return loadCheckedConfig(env, runtimeConfig, runtimeProblems) as KitConfig & RuntimeSettings;
}

/**
 * Builds one service's app on the configured adapters (tests call this; `runService` also listens and loads
 * the demo data): the service's module, with CLOCK=adjustable the `/<service>/_clock` routes, and the store,
 * bus and relay as the app's infrastructure (ready when they answer, closed after the module).
 */
export async function buildServiceApp(
  definition: ServiceDefinition,
  config: KitConfig & RuntimeSettings,
): Promise<App> {
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.NODE_ENV === "development" });
  const infra = await startInfrastructure(config, logger, definition);
  const modules = [await definition.module(infra)];
  if (config.CLOCK === "adjustable")
    modules.push(clockModule(infra.adjustableClock, `/${definition.service}`));
  const app = await buildApp({
    modules,
    config,
    logger,
    title: `政务服务 ${definition.service}`,
    infrastructure: infra,
    demoData: config.DEMO_DATA === "true",
  });
  infra.attachMetrics(app.metrics.registry);
  return app;
}

/**
 * A service's `main`: configuration from the environment, adapters, the app, graceful shutdown, listen, then
 * the demo data when DEMO_DATA=true (readiness answers 503 `demo-data` until it has loaded).
 */
export async function runService(definition: ServiceDefinition): Promise<App> {
  const config = configOrExit(definition.service, () => loadRuntimeConfig(process.env));
  const app = await buildServiceApp(definition, config);
  installGracefulShutdown(app, config.SHUTDOWN_TIMEOUT_MS);
  await app.listen({ port: config.PORT, host: config.HOST });
  app.log.info({ service: definition.service, port: config.PORT }, `${definition.service} listening`);
  if (config.DEMO_DATA === "true") {
    await app.seedDemo();
    app.log.info({ service: definition.service }, `${definition.service} demo data loaded`);
  }
  return app;
}
