import swagger from "@fastify/swagger";
import fp from "fastify-plugin";
import { jsonSchemaTransform } from "fastify-type-provider-zod";

export interface OpenApiPluginOptions {
  /** Service name in the document. */
  title?: string;
  /** Serves this document instead of the app's own (a proxy merging its upstreams'). */
  document?: () => Promise<unknown>;
}

/**
 * One OpenAPI 3 document for every route registered after this plugin (their zod schemas converted), served
 * at `GET /openapi.json`. Register it before the modules.
 */
export const openapiPlugin = fp<OpenApiPluginOptions>(
  async (app, options) => {
    await app.register(swagger, {
      openapi: {
        openapi: "3.0.3",
        info: { title: options.title ?? "政务服务 platform", version: "0.1.0" },
        components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
        security: [{ bearer: [] }],
      },
      transform: jsonSchemaTransform,
    });
    app.get("/openapi.json", { config: { auth: "public" }, schema: { hide: true } }, async () =>
      options.document ? options.document() : app.swagger(),
    );
  },
  { name: "gov-openapi", fastify: "5.x" },
);
