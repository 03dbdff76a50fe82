import fp from "fastify-plugin";
import { bearerToken, createVerifier, type VerifierConfig } from "../auth.ts";
import { ForbiddenProblem, UnauthorizedProblem } from "../problems.ts";
import "../request-context.ts";

export interface AuthPluginOptions {
  config: VerifierConfig;
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
      const bearer = bearerToken(request.headers.authorization);
      if (!bearer) throw new UnauthorizedProblem();
      const actor = await verifier.verify(bearer);
      request.context.actor = actor;
      if (!auth?.roles.includes(actor.role))
        throw new ForbiddenProblem(`role ${actor.role} may not call this route`);
    });
  },
  { name: "gov-auth", fastify: "5.x", dependencies: ["gov-correlation"] },
);
