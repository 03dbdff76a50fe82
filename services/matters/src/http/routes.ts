import { requestContext } from "@gov/runtime";
import {
  auth,
  commandReply,
  commandResult,
  type FastifyPluginAsyncZod,
  NotFoundProblem,
  pageOnly,
  pageRequest,
  publicRoute,
  sendPage,
} from "@gov/service-kit";
import type { FastifyRequest } from "fastify";
import type { MattersCommands } from "../application/commands.ts";
import { type CatalogQueries, cursorTypes } from "../read-models/queries.ts";
import {
  bundleBody,
  bundleIdParam,
  draftBody,
  materialsBaselineBody,
  matterIdParam,
  publishBody,
  reasonBody,
  reviseBody,
  searchQuery,
  transferBody,
  versionParams,
} from "./schemas.ts";

const admins = auth("admin");
/** Casework of a department (认领, confirming a transfer): its officer only, never `admin` (docs/service-kit.md). */
const departments = auth("officer");
const everyone = publicRoute();

/** HTTP → commands and queries. Catalog administrators write; everyone reads published matters. */
export function mattersRoutes(deps: {
  commands: MattersCommands;
  catalog: CatalogQueries;
  clock: () => string;
}): FastifyPluginAsyncZod {
  const { commands, catalog, clock } = deps;
  const { matters } = commands;
  return async (app) => {
    const ctx = (request: FastifyRequest) => requestContext(request, clock);

    app.get(
      "/",
      { config: everyone, schema: { querystring: searchQuery, tags: ["matters"] } },
      async (request, reply) => {
        const q = request.query;
        const page = await catalog.search(
          {
            ...(q.department ? { department: q.department } : {}),
            ...(q.type ? { type: q.type } : {}),
            ...(q.onlineDepth ? { onlineDepth: q.onlineDepth as 1 | 2 | 3 | 4 } : {}),
            ...(q.caseKind ? { caseKind: q.caseKind } : {}),
            ...(q.text ? { text: q.text } : {}),
          },
          pageRequest(q, cursorTypes.matters),
        );
        return sendPage(request, reply, page);
      },
    );
    app.get("/kpis", { config: everyone, schema: { tags: ["matters"] } }, async () => catalog.kpis());
    // The baseline "materials reduced" is measured against (国办发〔2018〕45号: 材料减少60%以上): recorded as data,
    // a correction is the next version with its reason; the same figure again stores nothing.
    app.put(
      "/kpis/materials-baseline",
      {
        config: admins,
        schema: { body: materialsBaselineBody, response: { 200: commandResult }, tags: ["matters"] },
      },
      async (request, reply) => {
        const measure = "materials-asked";
        const { reason, ...content } = request.body;
        const result = await commands.baselines.handle(
          measure,
          {
            type: "RecordBaseline",
            data: { measure, ...content, ...(reason !== undefined ? { reason } : {}) },
          },
          ctx(request),
        );
        return commandReply(reply, measure, result);
      },
    );
    app.get(
      "/bundles",
      { config: everyone, schema: { querystring: pageOnly, tags: ["bundles"] } },
      async (request, reply) =>
        sendPage(request, reply, await catalog.bundles(pageRequest(request.query, cursorTypes.bundles))),
    );
    app.get(
      "/bundles/:bundleId",
      { config: everyone, schema: { params: bundleIdParam, tags: ["bundles"] } },
      async (request) => {
        const bundle = await catalog.bundle(request.params.bundleId);
        if (!bundle) throw new NotFoundProblem(`no bundle ${request.params.bundleId}`);
        return bundle;
      },
    );
    app.post(
      "/bundles",
      { config: admins, schema: { body: bundleBody, response: { 201: commandResult }, tags: ["bundles"] } },
      async (request, reply) => {
        const result = await commands.defineBundle(request.body, ctx(request));
        return reply.status(201).send(commandReply(reply, request.body.bundleId, result));
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
      async (request, reply) => {
        const { bundleId } = request.params;
        const result = await commands.bundles.handle(
          bundleId,
          { type: "RetireBundle", data: { reason: request.body.reason } },
          ctx(request),
        );
        return commandReply(reply, bundleId, result);
      },
    );

    app.get(
      "/:matterId",
      { config: everyone, schema: { params: matterIdParam, tags: ["matters"] } },
      async (request) => {
        const view = await catalog.get(request.params.matterId);
        if (!view) throw new NotFoundProblem(`no matter ${request.params.matterId}`);
        return view;
      },
    );
    app.get(
      "/:matterId/versions",
      { config: everyone, schema: { params: matterIdParam, querystring: pageOnly, tags: ["matters"] } },
      async (request, reply) => {
        const page = await catalog.versions(
          request.params.matterId,
          pageRequest(request.query, cursorTypes.versions),
        );
        if (!page) throw new NotFoundProblem(`no matter ${request.params.matterId}`);
        return sendPage(request, reply, page);
      },
    );
    app.get(
      "/:matterId/versions/:version",
      { config: everyone, schema: { params: versionParams, tags: ["matters"] } },
      async (request) => {
        const v = await catalog.version(request.params.matterId, request.params.version);
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
        const { matterId, elements } = request.body;
        const result = await matters.handle(
          matterId,
          { type: "DraftMatter", data: { matterId, elements } },
          ctx(request),
        );
        return reply.status(201).send(commandReply(reply, matterId, result));
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
      async (request, reply) => {
        const { matterId } = request.params;
        const result = await matters.handle(
          matterId,
          { type: "ReviseMatter", data: request.body },
          ctx(request),
        );
        return commandReply(reply, matterId, result);
      },
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
        async (request, reply) => {
          const { matterId } = request.params;
          const result = await matters.handle(matterId, { type, data: {} }, ctx(request));
          return commandReply(reply, matterId, result);
        },
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
        async (request, reply) => {
          const { matterId } = request.params;
          const result = await matters.handle(matterId, { type, data: request.body }, ctx(request));
          return commandReply(reply, matterId, result);
        },
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
      async (request, reply) => {
        const { matterId } = request.params;
        const data = request.body.effectiveFrom ? { effectiveFrom: request.body.effectiveFrom } : {};
        const result = await matters.handle(matterId, { type: "PublishMatter", data }, ctx(request));
        return commandReply(reply, matterId, result);
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
      async (request, reply) => {
        const { matterId } = request.params;
        const result = await matters.handle(
          matterId,
          { type: "RequestTransfer", data: request.body },
          ctx(request),
        );
        return commandReply(reply, matterId, result);
      },
    );
  };
}
