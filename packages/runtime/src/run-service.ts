import { describeKafkaError, isFatalKafkaError } from "@gov/messaging";
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
  type ConfigProblem,
  configOrExit,
  loadCheckedConfig,
  type RuntimeSettings,
  runtimeConfig,
  runtimeProblems,
} from "./config.ts";
import { deadLetterModule } from "./dead-letters.ts";
import {
  type InfrastructureOptions,
  type ServiceDeps,
  type ServiceScope,
  startInfrastructure,
} from "./infrastructure.ts";
import { registerReadyMetric } from "./operational-metrics.ts";

export interface ServiceDefinition extends ServiceScope {
  module(deps: ServiceDeps): ServiceModule | Promise<ServiceModule>;
  /** The service's own settings checks (e.g. the audit signing key), named with the others before it starts. */
  configProblems?: (env: Record<string, string | undefined>) => ConfigProblem[];
}

/**
 * Reads and checks the environment, with the production checks (`productionProblems`); every bad or missing
 * variable is named in one ConfigError.
 */
export function loadRuntimeConfig(
  env: Record<string, string | undefined>,
  more: (env: Record<string, string | undefined>) => ConfigProblem[] = () => [],
): KitConfig & RuntimeSettings {
  return loadCheckedConfig(env, runtimeConfig, (c) => [...runtimeProblems(c), ...more(env)]) as KitConfig &
    RuntimeSettings;
}

/**
 * Builds one service's app on the configured adapters (tests call this; `runService` also listens and loads
 * the demo data): the service's module, with CLOCK=adjustable the `/<service>/_clock` routes, and the store,
 * bus and relay as the app's infrastructure (ready when they answer, closed after the module).
 */
export async function buildServiceApp(
  definition: ServiceDefinition,
  config: KitConfig & RuntimeSettings,
  options: InfrastructureOptions = {},
): Promise<App> {
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.NODE_ENV === "development" });
  const infra = await startInfrastructure(config, logger, definition, options);
  const modules = [await definition.module(infra), deadLetterModule(infra.bus)];
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
  registerReadyMetric(
    app.metrics.registry,
    async () => (await app.inject({ method: "GET", url: "/health/ready" })).statusCode === 200,
  );
  return app;
}

/** Ends the process with one clear line on stderr (what failed and what to check), exit code 1. */
function die(service: string, message: string): never {
  process.stderr.write(`${service}: ${message}\n`);
  process.exit(1);
}

/**
 * A safety net under every promise of the process: a Kafka error nobody awaited (kafkajs' own timers, a
 * library's background task) is retriable by nature — the subscriptions and the relay retry what they need —
 * so it is logged and the process lives on. Any other unhandled rejection is a bug: it is logged with what it
 * was and the process exits 1, as Node would, but with a line that says so.
 */
function installRejectionNet(service: string, warn: (obj: object, msg: string) => void): void {
  process.on("unhandledRejection", (reason) => {
    const name = reason instanceof Error ? reason.name : "";
    if (name.startsWith("KafkaJS") && !isFatalKafkaError(reason)) {
      warn(
        { error: describeKafkaError(reason) },
        "unhandled Kafka error (retried by its owner); still running",
      );
      return;
    }
    die(
      service,
      `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    );
  });
}

/**
 * A service's `main`: configuration from the environment, adapters, the app, graceful shutdown, listen, then
 * the demo data when DEMO_DATA=true (readiness answers 503 `demo-data` until it has loaded).
 *
 * A broker that is down or slow never stops it: it starts, answers `/health/ready` with 503 naming `kafka`,
 * and becomes ready when the broker answers. It exits (code 1, one line on stderr) only on a bad environment
 * or an error no wait can fix (Kafka refusing the configuration or the credentials).
 */
export async function runService(definition: ServiceDefinition): Promise<App> {
  const config = configOrExit(definition.service, () =>
    loadRuntimeConfig(process.env, definition.configProblems),
  );
  let app: App | undefined;
  installRejectionNet(definition.service, (obj, msg) =>
    app ? app.log.warn(obj, msg) : process.stderr.write(`${definition.service}: ${msg}\n`),
  );
  try {
    app = await buildServiceApp(definition, config, {
      onFatal: (error) => die(definition.service, `cannot go on: ${error.message}`),
    });
  } catch (error) {
    die(definition.service, `cannot start: ${error instanceof Error ? error.message : String(error)}`);
  }
  installGracefulShutdown(app, config.SHUTDOWN_TIMEOUT_MS);
  await app.listen({ port: config.PORT, host: config.HOST });
  app.log.info({ service: definition.service, port: config.PORT }, `${definition.service} listening`);
  if (config.DEMO_DATA === "true") {
    // Demo data is appended to the store (not Kafka): a broker outage does not hold it up.
    await app.seedDemo();
    app.log.info({ service: definition.service }, `${definition.service} demo data loaded`);
  }
  return app;
}
