import proxy from "@fastify/http-proxy";
import { type App, buildApp, type KitConfig, type Logger, type ServiceModule } from "@gov/service-kit";

/** Where each service answers: `{ matters: "http://127.0.0.1:8101", … }`; its routes stay under `/<name>`. */
export type Upstreams = Readonly<Record<string, string>>;

/** `matters=http://127.0.0.1:8101,credit=http://127.0.0.1:8102` → Upstreams (for the UPSTREAMS variable). */
export function parseUpstreams(text: string): Upstreams {
  const entries = text
    .split(",")
    .filter(Boolean)
    .map((pair) => {
      const [name, url] = pair.split("=", 2);
      if (!name || !url || !/^[a-z][a-z-]*$/.test(name) || !URL.canParse(url)) {
        throw new Error(`UPSTREAMS: "${pair}" is not name=http://host:port`);
      }
      return [name, url.replace(/\/$/, "")] as const;
    });
  return Object.fromEntries(entries);
}

const timeout = (ms: number) => AbortSignal.timeout(ms);

/**
 * Distributed mode's front door, the way an ingress routes: `/<service>/…` goes to that service's process,
 * untouched (the service checks the token itself). `/health/ready` is ready when every service is;
 * `/openapi.json` merges the services' documents, so clients see the same API as in embedded mode.
 */
export async function createProxyGateway(
  config: KitConfig,
  logger: Logger,
  upstreams: Upstreams,
): Promise<App> {
  const modules: ServiceModule[] = Object.entries(upstreams).map(([name, url]) => ({
    name,
    prefix: `/${name}`,
    routes: async (app) => {
      await app.register(proxy, { upstream: url, rewritePrefix: `/${name}`, config: { auth: "public" } });
    },
    readiness: [
      {
        name,
        check: async () => {
          const res = await fetch(`${url}/health/ready`, { signal: timeout(1500) });
          if (!res.ok) throw new Error(`${name} is not ready (${res.status})`);
        },
      },
    ],
  }));
  return buildApp({
    modules,
    config,
    logger,
    title: "政务服务 platform (distributed)",
    openapi: () => mergedOpenApi(upstreams),
  });
}

type OpenApi = { paths?: Record<string, unknown>; components?: { schemas?: Record<string, unknown> } };

async function mergedOpenApi(upstreams: Upstreams) {
  const docs = await Promise.all(
    Object.values(upstreams).map(async (url) => {
      const res = await fetch(`${url}/openapi.json`, { signal: timeout(3000) });
      return res.ok ? ((await res.json()) as OpenApi) : {};
    }),
  );
  const first = docs[0] as Record<string, unknown> | undefined;
  return {
    ...first,
    info: { title: "政务服务 platform (distributed)", version: "0.1.0" },
    paths: Object.assign({}, ...docs.map((d) => d.paths ?? {})),
    components: {
      ...(first?.components as object),
      schemas: Object.assign({}, ...docs.map((d) => d.components?.schemas ?? {})),
    },
  };
}
