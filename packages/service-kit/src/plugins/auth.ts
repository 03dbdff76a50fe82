import fp from "fastify-plugin";
import { createVerifier } from "../auth.ts";
import type { KitConfig } from "../config.ts";
import { ForbiddenProblem, UnauthorizedProblem } from "../problems.ts";
import "../request-context.ts";

export interface AuthPluginOptions {
  config: Pick<KitConfig, "AUTH_JWT_SECRET" | "AUTH_JWKS_URL" | "AUTH_ISSUER" | "AUTH_AUDIENCE">;
}

/**
 * Every route is denied unless it says otherwise: `config.auth` is `"public"` or the roles that may call it
 * (`auth("officer")`). The bearer token is verified (401 when missing, expired or wrongly signed), the caller
 * put in `request.context.actor`, and a role the route does not admit is 403 — before the body is parsed.
 */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, { config }) => {
    const verifier = createVerifier(config);
    app.addHook("onRequest", async (request) => {
      const auth = request.routeOptions.config.auth;
      if (auth === "public" || request.routeOptions.url === undefined) return;
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
      if (!bearer) throw new UnauthorizedProblem();
      const actor = await verifier.verify(bearer);
      request.context.actor = actor;
      if (!auth?.roles.includes(actor.role))
        throw new ForbiddenProblem(`role ${actor.role} may not call this route`);
    });
  },
  { name: "gov-auth", fastify: "5.x", dependencies: ["gov-correlation"] },
);
