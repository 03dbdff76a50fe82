import { asyncApiDocument } from "@gov/contracts/asyncapi";
import fp from "fastify-plugin";

export interface AsyncApiPluginOptions {
  /**
   * The services whose events the document describes, by wire name: the modules' names (`credit`, `intake`,
   * …), which are the `gov.<name>.…` of their event types. A module whose name publishes nothing adds nothing.
   */
  services: readonly string[];
  /** Serves this document instead (a proxy merging its upstreams'). */
  document?: () => Promise<unknown>;
}

/**
 * The AsyncAPI 3.0 document of the events the app's modules publish, generated from `@gov/contracts`, at
 * `GET /asyncapi.json` (public, like `/openapi.json`). A new service gets it by being mounted by `buildApp`.
 */
export const asyncapiPlugin = fp<AsyncApiPluginOptions>(
  async (app, options) => {
    let own: unknown;
    app.get("/asyncapi.json", { config: { auth: "public" }, schema: { hide: true } }, async () => {
      if (options.document) return options.document();
      own ??= asyncApiDocument(options.services);
      return own;
    });
  },
  { name: "gov-asyncapi", fastify: "5.x" },
);
