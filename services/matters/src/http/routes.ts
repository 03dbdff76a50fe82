import { requestContext } from "@gov/runtime";
import type { FastifyPluginAsyncZod, RouteAuth } from "@gov/service-kit";
import { NotFoundProblem } from "@gov/service-kit";
import type { FastifyRequest } from "fastify";
import type { MattersService } from "../application/matters-service.ts";
import type { Catalog } from "../read-models/catalog.ts";
import { catalogKpis } from "../read-models/kpis.ts";
import {
  bundleBody,
  bundleIdParam,
  commandResult,
  draftBody,
  matterIdParam,
  publishBody,
  reasonBody,
  reviseBody,
  searchQuery,
  transferBody,
  versionParams,
} from "./schemas.ts";

const admins: { auth: RouteAuth } = { auth: { roles: ["admin"] } };
const departments: { auth: RouteAuth } = { auth: { roles: ["officer", "admin"] } };
const everyone: { auth: RouteAuth } = { auth: "public" };

/** HTTP → commands and queries. Catalog administrators write; everyone reads published matters. */
export function mattersRoutes(
  service: MattersService,
  catalog: Catalog,
  clock: () => string,
): FastifyPluginAsyncZod {
  return async (app) => {
    const ctx = (request: FastifyRequest) => requestContext(request, clock);
    const answer = (
      id: string,
      r: { nextExpectedRevision: number; events: { type: string }[]; replayed: boolean },
    ) => ({
      id,
      revision: r.nextExpectedRevision,
      events: r.events.map((e) => ({ type: e.type })),
      replayed: r.replayed,
    });

    app.get(
      "/",
      { config: everyone, schema: { querystring: searchQuery, tags: ["matters"] } },
      async (request) => {
        const q = request.query;
        return catalog.search({
          ...(q.department ? { department: q.department } : {}),
          ...(q.type ? { type: q.type } : {}),
          ...(q.onlineDepth ? { onlineDepth: q.onlineDepth as 1 | 2 | 3 | 4 } : {}),
          ...(q.caseKind ? { caseKind: q.caseKind } : {}),
          ...(q.text ? { text: q.text } : {}),
        });
      },
    );
    app.get("/kpis", { config: everyone, schema: { tags: ["matters"] } }, async () => catalogKpis(catalog));
    app.get("/bundles", { config: everyone, schema: { tags: ["bundles"] } }, async () => catalog.bundles());
    app.get(
      "/bundles/:bundleId",
      { config: everyone, schema: { params: bundleIdParam, tags: ["bundles"] } },
      async (request) => {
        const bundle = catalog.bundle(request.params.bundleId);
        if (!bundle) throw new NotFoundProblem(`no bundle ${request.params.bundleId}`);
        return bundle;
      },
    );
    app.post(
      "/bundles",
      { config: admins, schema: { body: bundleBody, response: { 201: commandResult }, tags: ["bundles"] } },
      async (request, reply) => {
        const r = await service.defineBundle(request.body, ctx(request));
        return reply.status(201).send(answer(request.body.bundleId, r));
      },
    );
    app.post(
      "/bundles/:bundleId/retire",
      {
        config: admins,
        schema: {
          params: bundleIdParam,
          body: reasonBody,
          response: { 200: commandResult },
          tags: ["bundles"],
        },
      },
      async (request) =>
        answer(
          request.params.bundleId,
          await service.retireBundle(request.params.bundleId, request.body.reason, ctx(request)),
        ),
    );

    app.get(
      "/:matterId",
      { config: everyone, schema: { params: matterIdParam, tags: ["matters"] } },
      async (request) => {
        const view = catalog.get(request.params.matterId);
        if (!view) throw new NotFoundProblem(`no matter ${request.params.matterId}`);
        return view;
      },
    );
    app.get(
      "/:matterId/versions/:version",
      { config: everyone, schema: { params: versionParams, tags: ["matters"] } },
      async (request) => {
        const v = catalog.version(request.params.matterId, request.params.version);
        if (!v)
          throw new NotFoundProblem(
            `matter ${request.params.matterId} has no published version ${request.params.version}`,
          );
        return v;
      },
    );

    app.post(
      "/",
      { config: admins, schema: { body: draftBody, response: { 201: commandResult }, tags: ["matters"] } },
      async (request, reply) => {
        const r = await service.draft(request.body.matterId, request.body.elements, ctx(request));
        return reply.status(201).send(answer(request.body.matterId, r));
      },
    );
    app.put(
      "/:matterId/draft",
      {
        config: admins,
        schema: {
          params: matterIdParam,
          body: reviseBody,
          response: { 200: commandResult },
          tags: ["matters"],
        },
      },
      async (request) =>
        answer(
          request.params.matterId,
          await service.execute(
            request.params.matterId,
            { type: "ReviseMatter", data: request.body },
            ctx(request),
          ),
        ),
    );

    const simple = [
      ["claim", "ClaimMatter", departments],
      ["resume", "ResumeMatter", admins],
      ["transfer/confirm", "ConfirmTransfer", departments],
    ] as const;
    for (const [path, type, config] of simple) {
      app.post(
        `/:matterId/${path}`,
        { config, schema: { params: matterIdParam, response: { 200: commandResult }, tags: ["matters"] } },
        async (request) =>
          answer(
            request.params.matterId,
            await service.execute(request.params.matterId, { type, data: {} }, ctx(request)),
          ),
      );
    }
    const withReason = [
      ["suspend", "SuspendMatter"],
      ["retire", "RetireMatter"],
      ["transfer/cancel", "CancelTransfer"],
    ] as const;
    for (const [path, type] of withReason) {
      app.post(
        `/:matterId/${path}`,
        {
          config: admins,
          schema: {
            params: matterIdParam,
            body: reasonBody,
            response: { 200: commandResult },
            tags: ["matters"],
          },
        },
        async (request) =>
          answer(
            request.params.matterId,
            await service.execute(request.params.matterId, { type, data: request.body }, ctx(request)),
          ),
      );
    }
    app.post(
      "/:matterId/publish",
      {
        config: admins,
        schema: {
          params: matterIdParam,
          body: publishBody,
          response: { 200: commandResult },
          tags: ["matters"],
        },
      },
      async (request) => {
        const data = request.body.effectiveFrom ? { effectiveFrom: request.body.effectiveFrom } : {};
        return answer(
          request.params.matterId,
          await service.execute(request.params.matterId, { type: "PublishMatter", data }, ctx(request)),
        );
      },
    );
    app.post(
      "/:matterId/transfer",
      {
        config: admins,
        schema: {
          params: matterIdParam,
          body: transferBody,
          response: { 200: commandResult },
          tags: ["matters"],
        },
      },
      async (request) =>
        answer(
          request.params.matterId,
          await service.execute(
            request.params.matterId,
            { type: "RequestTransfer", data: request.body },
            ctx(request),
          ),
        ),
    );
  };
}
