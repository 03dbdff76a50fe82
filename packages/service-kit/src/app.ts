import { randomUUID } from "node:crypto";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from "fastify";
import { serializerCompiler } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import type { KitConfig } from "./config.ts";
import type { Closer, Infrastructure, ReadModelPort, ServiceModule } from "./module.ts";
import { accessLogPlugin } from "./plugins/access-log.ts";
import { asyncapiPlugin } from "./plugins/asyncapi.ts";
import { authPlugin } from "./plugins/auth.ts";
import { readYourWritesPlugin } from "./plugins/consistency.ts";
import { correlationPlugin, requestIdFrom } from "./plugins/correlation.ts";
import { demoDataPlugin } from "./plugins/demo-data.ts";
import { healthPlugin } from "./plugins/health.ts";
import { limitsPlugin } from "./plugins/limits.ts";
import { metricsPlugin } from "./plugins/metrics.ts";
import { openapiPlugin } from "./plugins/openapi.ts";
import { clientErrorHandler, frameworkErrors, problemsPlugin } from "./plugins/problems.ts";
import { wellFormedValidatorCompiler } from "./validation.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** The mounted modules, as the kit runs them (their `close` and their read models' run once). */
    modules: readonly ServiceModule[];
  }
}

export interface BuildAppOptions {
  modules: readonly ServiceModule[];
  config: KitConfig;
  logger: Logger;
  /** Service name in the OpenAPI document. */
  title?: string;
  /** Serves this document at `/openapi.json` instead of the app's own (a proxy merging its upstreams'). */
  openapi?: () => Promise<unknown>;
  /** Serves this document at `/asyncapi.json` instead of the modules' own (a proxy merging its upstreams'). */
  asyncapi?: () => Promise<unknown>;
  /** What the modules run on: its readiness counts, and it closes last, after every module. */
  infrastructure?: Infrastructure;
  /** The service promises demo data: not ready (`demo-data`) until `app.seedDemo()` has finished. */
  demoData?: boolean;
}

/** A service's app: fastify with the kit's decorators (`metrics`, `readiness`, `seedDemo`, …). */
export type App = FastifyInstance;

/**
 * The one app every service runs: the kit's plugins at the root (correlation ids, auth, problems, health,
 * metrics, OpenAPI, AsyncAPI of the modules' events, demo data), then each module in its own scope under its prefix, with read-your-writes
 * over its read models. Shutdown is fastify's `close()`: after in-flight requests finish, the modules close
 * (last mounted first, each before its read models), then the infrastructure, in the order it gives.
 */
export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { config } = options;
  const modules = options.modules.map(runOnce);
  const app: App = Fastify<
    RawServerDefault,
    RawRequestDefaultExpression,
    RawReplyDefaultExpression,
    FastifyBaseLogger
  >({
    loggerInstance: options.logger,
    bodyLimit: config.BODY_LIMIT,
    forceCloseConnections: "idle",
    genReqId: (req) => requestIdFrom(req.headers["x-request-id"], randomUUID),
    // One access line per request, written by the kit (method, route, status, duration; masked).
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: config.MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    http: {
      headersTimeout: config.HEADERS_TIMEOUT_MS,
      // How often Node looks for connections past headersTimeout/requestTimeout (its default is 30 s).
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(config.HEADERS_TIMEOUT_MS / 4)),
    },
  });
  if (config.MAX_CONNECTIONS > 0) app.server.maxConnections = config.MAX_CONNECTIONS;
  app.setValidatorCompiler(wellFormedValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate("modules", modules);

  await app.register(correlationPlugin);
  await app.register(accessLogPlugin);
  await app.register(limitsPlugin, { maxUrlLength: config.MAX_URL_LENGTH });
  await app.register(authPlugin, { config });
  await app.register(problemsPlugin, { mappers: modules.flatMap((m) => m.errorMappers ?? []) });
  await app.register(healthPlugin);
  await app.register(metricsPlugin, { gauges: options.modules.flatMap((m) => m.gauges ?? []) });
  await app.register(openapiPlugin, {
    ...(options.title ? { title: options.title } : {}),
    ...(options.openapi ? { document: options.openapi } : {}),
  });
  await app.register(asyncapiPlugin, {
    services: options.modules.map((m) => m.name),
    ...(options.asyncapi ? { document: options.asyncapi } : {}),
  });
  await app.register(demoDataPlugin, { modules, required: options.demoData ?? false });

  // onClose hooks run last registered first (fastify's own server close, added at ready, runs before all):
  // so the infrastructure's go first here, to close after every module.
  const infrastructure = options.infrastructure;
  app.readiness.add(...(infrastructure?.readiness ?? []));
  for (const closer of [...(infrastructure?.closers ?? [])].reverse()) onClose(app, closer);
  for (const module of modules) {
    const readModels = module.readModels ?? [];
    app.readiness.add(...(module.readiness ?? []), ...readModels.map((r) => r.readiness));
    for (const readModel of [...readModels].reverse()) onClose(app, readModel);
    const close = module.close;
    if (close) onClose(app, { name: module.name, close });
    await app.register(
      async (scope) => {
        await scope.register(readYourWritesPlugin, {
          readModels,
          timeoutMs: config.READ_YOUR_WRITES_TIMEOUT_MS,
        });
        await scope.register(module.routes);
      },
      { prefix: module.prefix },
    );
  }
  return app;
}

function onClose(app: App, closer: Closer) {
  app.addHook("onClose", async () => {
    try {
      await closer.close();
    } catch (error) {
      app.log.error({ err: error, closing: closer.name }, "closing failed");
      throw error;
    }
  });
}

/** The module with its `close` and its read models' `close` made idempotent (a test may close them again). */
function runOnce(module: ServiceModule): ServiceModule {
  const readModels = module.readModels?.map(
    (r): ReadModelPort => ({
      name: r.name,
      readiness: r.readiness,
      waitFor: (position, timeoutMs) => r.waitFor(position, timeoutMs),
      close: once(() => r.close()),
    }),
  );
  const close = module.close;
  return {
    ...module,
    ...(close ? { close: once(close) } : {}),
    ...(readModels ? { readModels } : {}),
  };
}

function once(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= run();
    return running;
  };
}
