import proxy from "@fastify/http-proxy";
import { type AsyncApiDocument, mergeAsyncApi } from "@gov/contracts/asyncapi";
import {
  type App,
  bearerToken,
  buildApp,
  createVerifier,
  type KitConfig,
  type Logger,
  Problem,
  type ServiceModule,
  UnauthorizedProblem,
  type Verifier,
} from "@gov/service-kit";

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
 * `/openapi.json` and `/asyncapi.json` merge the services' documents, so clients see the same API and the
 * same events as in embedded mode.
 *
 * A request body is read in full (at most `BODY_LIMIT` bytes, as every service reads it) before it is
 * forwarded, the way an ingress buffers request bodies: a larger one is a 413 problem+json from the gateway
 * itself, as in embedded mode, and the service answers only requests it has received in full — its answer,
 * a 4xx included, comes back unchanged. See `proxyScope`.
 */
export async function createProxyGateway(
  config: KitConfig,
  logger: Logger,
  upstreams: Upstreams,
): Promise<App> {
  const verifier = createVerifier(config);
  const modules: ServiceModule[] = Object.entries(upstreams).map(([name, url]) => ({
    name,
    prefix: `/${name}`,
    routes: (app) => proxyScope(app, name, url, config.BODY_LIMIT, verifier),
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
    asyncapi: () => mergedAsyncApi(upstreams),
  });
}

type Scope = Parameters<ServiceModule["routes"]>[0];

/**
 * One service's routes at the gateway. The body is read here, up to `bodyLimit`, as a Buffer and forwarded
 * byte for byte with its own Content-Type and an exact Content-Length (not streamed: a service answering
 * before the body has arrived would otherwise meet a gateway still writing — `write EPIPE` — and the client a
 * 500 in place of the service's 413). A reply sent before the request's body was read in full (a 413 on its
 * Content-Length, or a 401) closes the connection (`connection: close`): the rest of that body is never read, so the
 * connection cannot carry another request. A service that cannot be reached is a 502 (503, 504) problem,
 * never a 500.
 */
async function proxyScope(app: Scope, name: string, upstream: string, bodyLimit: number, verifier: Verifier) {
  // A service checks the token before it reads a body (every route taking a body needs one): so an anonymous
  // body over the limit, or of unknown length, is a 401 here too, not a 413, and is not read.
  app.addHook("onRequest", async (request) => {
    if (request.method === "GET" || request.method === "HEAD") return; // bodies not read
    const length = Number(request.headers["content-length"] ?? 0);
    if (length <= bodyLimit && request.headers["transfer-encoding"] === undefined) return;
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new UnauthorizedProblem();
    await verifier.verify(token);
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit }, (_request, body, done) => done(null, body));
  app.addHook("onSend", async (request, reply) => {
    if (!request.raw.complete) reply.header("connection", "close");
  });
  await app.register(proxy, {
    upstream,
    rewritePrefix: `/${name}`,
    config: { auth: "public" },
    proxyPayloads: false,
    // Whether the client's connection stays open is the gateway's decision (the hook above), not the service's.
    replyOptions: { rewriteHeaders: withoutHopByHop },
    handler: (request, reply, dest, options) => {
      const body = request.body;
      return reply.from(dest, {
        ...options,
        ...(Buffer.isBuffer(body)
          ? { body, contentType: request.headers["content-type"] ?? "application/octet-stream" }
          : {}),
        onError: (r, { error }) => upstreamFailed(request, r, name, error),
      });
    },
  });
}

/** Connection-level headers of the service's answer (RFC 9110 §7.6.1), and those its Connection names. */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
];
function withoutHopByHop<H extends Record<string, unknown>>(headers: H): H {
  const named = String(headers.connection ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase());
  return Object.fromEntries(
    Object.entries(headers).filter(([h]) => !HOP_BY_HOP.includes(h) && !named.includes(h)),
  ) as H;
}

/** The service could not be reached or dropped the connection: 502/503/504 as problem+json, logged. */
function upstreamFailed(
  request: { log: { warn(details: object, message: string): void } },
  reply: { send(problem: Problem): unknown },
  name: string,
  error: Error,
) {
  const code = (error as { code?: string }).code;
  const status = (error as { statusCode?: number }).statusCode;
  request.log.warn({ err: error, upstream: name }, "the service did not answer");
  const problem =
    status === 504 || code === "UND_ERR_CONNECT_TIMEOUT"
      ? new Problem(504, "Gateway Timeout", `${name} did not answer in time`)
      : status === 503
        ? new Problem(503, "Service Unavailable", `${name} is unavailable`)
        : new Problem(502, "Bad Gateway", `${name} closed the connection without an answer`);
  void reply.send(problem);
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

/** The services' AsyncAPI documents as one; a service that does not answer is left out. */
async function mergedAsyncApi(upstreams: Upstreams) {
  const docs = await Promise.all(
    Object.values(upstreams).map(async (url) => {
      const res = await fetch(`${url}/asyncapi.json`, { signal: timeout(3000) });
      return res.ok ? ((await res.json()) as AsyncApiDocument) : undefined;
    }),
  );
  return mergeAsyncApi(
    docs.filter((d): d is AsyncApiDocument => d !== undefined),
    "政务服务 platform events (distributed)",
  );
}
