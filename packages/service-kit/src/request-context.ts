import type { Actor } from "./auth.ts";

/** Per-request context handed to handlers, which copy it into the metadata of the events they append. */
export interface RequestContext {
  requestId: string;
  correlationId: string;
  actor: Actor | undefined;
}

declare module "fastify" {
  interface FastifyRequest {
    context: RequestContext;
  }
  interface FastifyContextConfig {
    auth?: import("./auth.ts").RouteAuth;
  }
}
