import { randomUUID } from "node:crypto";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Logger } from "pino";
import { createVerifier } from "./auth.ts";
import { MIN_LOG_POSITION_HEADER } from "./commands.ts";
import type { KitConfig } from "./config.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import type { ServiceModule } from "./module.ts";
import {
  BadRequestProblem,
  type ErrorMapper,
  eventStoreErrors,
  ForbiddenProblem,
  NotFoundProblem,
  Problem,
  problemBody,
  UnauthorizedProblem,
} from "./problems.ts";
import "./request-context.ts";

export interface BuildAppOptions {
  modules: readonly ServiceModule[];
  config: KitConfig;
  logger: Logger;
  /** Service name in the OpenAPI document. */
  title?: string;
  /** Serves this document at `/openapi.json` instead of the app's own (a proxy merging its upstreams'). */
  openapi?: () => Promise<unknown>;
}

export type App = FastifyInstance & {
  metrics: Metrics;
  shuttingDown: { value: boolean };
  modules: readonly ServiceModule[];
};

const READINESS_TIMEOUT_MS = 2000;

export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { config, modules } = options;
  const fastify = Fastify({
    loggerInstance: options.logger,
    bodyLimit: config.BODY_LIMIT,
    forceCloseConnections: "idle",
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);

  const app = fastify as unknown as App;
  const metrics = createMetrics(modules.flatMap((m) => m.gauges ?? []));
  app.decorate("metrics", metrics);
  app.decorate("shuttingDown", { value: false });
  app.decorate("modules", modules);
  const verifier = createVerifier(config);
  const mappers: ErrorMapper[] = [eventStoreErrors, ...modules.flatMap((m) => m.errorMappers ?? [])];

  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: options.title ?? "政务服务 platform", version: "0.1.0" },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.addHook("onRequest", async (request, reply) => {
    const header = request.headers["x-correlation-id"] ?? request.headers["ce-correlationid"];
    const correlationId = typeof header === "string" && /^[\w.:-]{1,100}$/.test(header) ? header : request.id;
    request.context = { requestId: request.id, correlationId, actor: undefined };
    request.log = request.log.child({ correlationId });
    reply.header("x-request-id", request.id).header("x-correlation-id", correlationId);
    const auth = request.routeOptions.config.auth;
    if (auth === "public" || request.routeOptions.url === undefined) return;
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!bearer) throw new UnauthorizedProblem();
    const actor = await verifier.verify(bearer);
    request.context.actor = actor;
    if (!auth?.roles.includes(actor.role))
      throw new ForbiddenProblem(`role ${actor.role} may not call this route`);
  });

  // While shutting down, ask keep-alive clients to go, so that closing does not wait on idle connections.
  app.addHook("onSend", async (_request, reply) => {
    if (app.shuttingDown.value) reply.header("connection", "close");
  });

  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) metrics.errors.inc({ method: request.method, route });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error, mappers);
    if (problem.status >= 500) request.log.error({ err: error }, "unexpected error");
    void reply
      .status(problem.status)
      .type("application/problem+json")
      .send(problemBody(problem, request.url));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .type("application/problem+json")
      .send(problemBody(new NotFoundProblem(`no route ${request.method} ${request.url}`), request.url));
  });

  app.get("/health/live", { config: { auth: "public" }, schema: { hide: true } }, async () => ({
    status: "live",
  }));
  app.get(
    "/health/ready",
    { config: { auth: "public" }, schema: { hide: true } },
    async (_request, reply) => {
      if (app.shuttingDown.value) return reply.status(503).send({ status: "shutting-down", checks: [] });
      const checks = await Promise.all(
        modules
          .flatMap((m) => [...(m.readiness ?? []), ...(m.readModels ?? []).map((r) => r.readiness)])
          .map(async (c) => {
            try {
              await withTimeout(c.check(), READINESS_TIMEOUT_MS);
              return { name: c.name, ok: true };
            } catch (error) {
              const message = error instanceof Error ? error.message : String(error);
              if (c.degradedOnly) return { name: c.name, ok: true, degraded: true, warning: message };
              return { name: c.name, ok: false, error: message };
            }
          }),
      );
      const ready = checks.every((c) => c.ok);
      return reply.status(ready ? 200 : 503).send({ status: ready ? "ready" : "not-ready", checks });
    },
  );
  app.get("/metrics", { config: { auth: "public" }, schema: { hide: true } }, async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get("/openapi.json", { config: { auth: "public" }, schema: { hide: true } }, async () =>
    options.openapi ? options.openapi() : app.swagger(),
  );

  for (const module of modules) {
    await app.register(
      async (scope) => {
        const readModels = module.readModels ?? [];
        if (readModels.length > 0) {
          scope.addHook("preHandler", async (request, reply) => {
            const wanted = request.headers[MIN_LOG_POSITION_HEADER];
            if (request.method !== "GET" || typeof wanted !== "string") return;
            if (!/^\d{1,20}([:/]\d{1,20})?$/.test(wanted)) {
              throw new BadRequestProblem(`the ${MIN_LOG_POSITION_HEADER} header is not a log position`, [
                { field: `headers.${MIN_LOG_POSITION_HEADER}`, message: "a position from a command reply" },
              ]);
            }
            const waited = await Promise.all(
              readModels.map((r) => r.waitFor(wanted, config.READ_YOUR_WRITES_TIMEOUT_MS)),
            );
            if (waited.every(Boolean)) return;
            reply.header("retry-after", "1");
            throw new Problem(
              503,
              "Service Unavailable",
              `the read models have not yet reached log position ${wanted} after ${config.READ_YOUR_WRITES_TIMEOUT_MS} ms; retry`,
            );
          });
        }
        await scope.register(module.routes);
      },
      { prefix: module.prefix },
    );
  }
  return app;
}

function toProblem(error: FastifyError, mappers: readonly ErrorMapper[]): Problem {
  if (error instanceof Problem) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? "body";
    const errors = error.validation.map((v) => ({
      field: `${where}${v.instancePath.replaceAll("/", ".")}`.replace(/\.$/, ""),
      message: v.message ?? "invalid",
    }));
    return new BadRequestProblem(`invalid ${where}: ${errors.map((e) => e.field).join(", ")}`, errors);
  }
  for (const map of mappers) {
    const p = map(error);
    if (p) return p;
  }
  if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE")
    return new Problem(413, "Content Too Large", "the request body is too large");
  if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
    return new Problem(415, "Unsupported Media Type", error.message);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new BadRequestProblem(
      error.code === "FST_ERR_CTP_EMPTY_JSON_BODY"
        ? "the JSON body is empty"
        : `malformed request: ${error.message}`,
    );
  }
  return new Problem(
    500,
    "Internal Server Error",
    "an unexpected error occurred; quote the x-request-id header when reporting it",
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
