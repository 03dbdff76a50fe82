import fp from "fastify-plugin";
import type { ReadinessCheck } from "../module.ts";

/** One check's outcome in the `/health/ready` body. */
export interface CheckOutcome {
  name: string;
  ok: boolean;
  error?: string;
  /** A warning-only check that failed: still ok, reported so that operators see it. */
  degraded?: true;
  warning?: string;
}

/** The checks `/health/ready` runs: the kit adds the modules', their read models' and the infrastructure's. */
export interface Readiness {
  add(...checks: ReadinessCheck[]): void;
  readonly checks: readonly ReadinessCheck[];
  /** Runs every check at once, each with the plugin's timeout. */
  run(): Promise<CheckOutcome[]>;
}

declare module "fastify" {
  interface FastifyInstance {
    readiness: Readiness;
    /** Set by `shutdown()`: readiness turns 503 and keep-alive clients are asked to go. */
    shuttingDown: { value: boolean };
  }
}

export interface HealthPluginOptions {
  /** How long one readiness check may take before it counts as failed (default 2000 ms). */
  timeoutMs?: number;
}

/**
 * `GET /health/live` (the process answers) and `GET /health/ready` (200 when every readiness check passes;
 * 503 naming the failing checks, and 503 while shutting down).
 */
export const healthPlugin = fp<HealthPluginOptions>(
  async (app, options) => {
    const timeoutMs = options.timeoutMs ?? 2000;
    const checks: ReadinessCheck[] = [];
    app.decorate("readiness", {
      add: (...more: ReadinessCheck[]) => void checks.push(...more),
      get checks() {
        return checks;
      },
      run: () =>
        Promise.all(
          checks.map(async (c): Promise<CheckOutcome> => {
            try {
              await withTimeout(c.check(), timeoutMs);
              return { name: c.name, ok: true };
            } catch (error) {
              const message = error instanceof Error ? error.message : String(error);
              if (c.degradedOnly) return { name: c.name, ok: true, degraded: true, warning: message };
              return { name: c.name, ok: false, error: message };
            }
          }),
        ),
    });
    app.decorate("shuttingDown", { value: false });

    // While shutting down, ask keep-alive clients to go, so that closing does not wait on idle connections.
    app.addHook("onSend", async (_request, reply) => {
      if (app.shuttingDown.value) reply.header("connection", "close");
    });

    app.get("/health/live", { config: { auth: "public" }, schema: { hide: true } }, async () => ({
      status: "live",
    }));
    app.get(
      "/health/ready",
      { config: { auth: "public" }, schema: { hide: true } },
      async (_request, reply) => {
        if (app.shuttingDown.value) return reply.status(503).send({ status: "shutting-down", checks: [] });
        const outcomes = await app.readiness.run();
        const ready = outcomes.every((c) => c.ok);
        return reply
          .status(ready ? 200 : 503)
          .send({ status: ready ? "ready" : "not-ready", checks: outcomes });
      },
    );
  },
  { name: "gov-health", fastify: "5.x" },
);

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
