import type { Role } from "@gov/contracts";
import type { EventStore } from "@gov/eventsourcing";
import type { AuditKey } from "@gov/runtime";
import { requestContext } from "@gov/runtime";
import { auth, BadRequestProblem, type FastifyPluginAsyncZod, NotFoundProblem } from "@gov/service-kit";
import type { FastifyRequest } from "fastify";
import { accessLog, recordRead } from "../application/access.ts";
import type { CaseQueries } from "../application/cases.ts";
import type { AuditLedger } from "../application/ledger.ts";
import { timelineCsv, timelineHtml } from "../application/render.ts";
import { verifyStore } from "../application/verify-store.ts";
import type { Trail } from "../read-models/trail.ts";
import {
  accessQuery,
  atQuery,
  caseParams,
  consistencyQuery,
  diffQuery,
  exportQuery,
  inclusionQuery,
  timelineQuery,
} from "./schemas.ts";

/** Who reads the trail: auditors (审计), and the supervising auditor who also reads the record of their reads. */
const auditors: readonly Role[] = ["auditor", "supervising-auditor"];
const supervisors: readonly Role[] = ["supervising-auditor"];

export interface AuditRouteDeps {
  store: EventStore;
  trail: Trail;
  ledger: AuditLedger;
  cases: CaseQueries;
  key: AuditKey;
  clock: () => string;
}

export function auditRoutes(deps: AuditRouteDeps): FastifyPluginAsyncZod {
  const { store, trail, ledger, cases, key, clock } = deps;
  return async (app) => {
    const ctx = (request: FastifyRequest) => requestContext(request, clock);
    const notFound = (id: string) => new NotFoundProblem(`no event of any service names the case ${id}`);

    app.get(
      "/cases/:id/timeline",
      {
        config: auth(...auditors),
        schema: { params: caseParams, querystring: timelineQuery, tags: ["audit"] },
      },
      async (request) => {
        const { id } = request.params;
        const timeline = await cases.timeline(id);
        if (!timeline) throw notFound(id);
        // Recorded before the answer leaves: a read that cannot be recorded is not answered.
        await recordRead(store, { what: "timeline", target: id, reason: request.query.reason }, ctx(request));
        return timeline;
      },
    );

    app.get(
      "/cases/:id/at",
      { config: auth(...auditors), schema: { params: caseParams, querystring: atQuery, tags: ["audit"] } },
      async (request) => {
        const { id } = request.params;
        const { t, reason } = request.query;
        const state = await cases.at(id, new Date(t).toISOString());
        if (!state) throw notFound(id);
        await recordRead(store, { what: "at", target: id, reason, query: `t=${t}` }, ctx(request));
        return { case: id, at: new Date(t).toISOString(), streams: Object.values(state) };
      },
    );

    app.get(
      "/cases/:id/diff",
      { config: auth(...auditors), schema: { params: caseParams, querystring: diffQuery, tags: ["audit"] } },
      async (request) => {
        const { id } = request.params;
        const { from, to, reason } = request.query;
        const changes = await cases.diff(id, new Date(from).toISOString(), new Date(to).toISOString());
        if (!changes) throw notFound(id);
        await recordRead(
          store,
          { what: "diff", target: id, reason, query: `from=${from}&to=${to}` },
          ctx(request),
        );
        return { case: id, from, to, changes };
      },
    );

    app.get(
      "/cases/:id/export",
      {
        config: auth(...auditors),
        schema: { params: caseParams, querystring: exportQuery, tags: ["audit"] },
      },
      async (request, reply) => {
        const { id } = request.params;
        const { reason, format } = request.query;
        const context = ctx(request);
        if ((await cases.caseEvents(id)).length === 0) throw notFound(id);
        await recordRead(store, { what: "export", target: id, reason, query: `format=${format}` }, context);
        const exported = await cases.export(id, context);
        if (!exported) throw notFound(id);
        const file = `audit-${id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
        if (format === "csv") {
          return reply
            .type("text/csv; charset=utf-8")
            .header("content-disposition", `attachment; filename="${file}.csv"`)
            .send(timelineCsv(exported.events));
        }
        if (format === "html") {
          return reply
            .type("text/html; charset=utf-8")
            .send(timelineHtml(id, exported.events, exported.bundle.checkpoint, context.now));
        }
        return reply
          .header("content-disposition", `attachment; filename="${file}.json"`)
          .send(exported.bundle);
      },
    );

    app.get(
      "/access",
      { config: auth(...supervisors), schema: { querystring: accessQuery, tags: ["audit"] } },
      async (request, reply) => {
        const { case: target, auditor, limit, after } = request.query;
        const page = await accessLog(trail, {
          ...(target ? { target } : {}),
          ...(auditor ? { auditor } : {}),
          after,
          limit,
        });
        if (page.next) reply.header("next-cursor", page.next);
        return page.items;
      },
    );

    app.post(
      "/checkpoints",
      { config: auth(...auditors, "system"), schema: { tags: ["audit"] } },
      async (request, reply) => reply.status(201).send(await ledger.checkpoint(ctx(request))),
    );

    app.get("/checkpoints", { config: auth(...auditors), schema: { tags: ["audit"] } }, async () => ({
      publicKey: key.publicKeyBase64,
      checkpoints: await ledger.checkpoints(),
    }));

    app.get(
      "/proofs/inclusion",
      { config: auth(...auditors), schema: { querystring: inclusionQuery, tags: ["audit"] } },
      async (request) => {
        const { event, size } = request.query;
        const found = await trail.byId(event);
        if (!found) throw new NotFoundProblem(`the trail has no event ${event}`);
        const checkpoints = await ledger.checkpoints();
        const checkpoint =
          size === undefined ? checkpoints.at(-1) : checkpoints.find((c) => c.treeSize === size);
        if (!checkpoint)
          throw new NotFoundProblem("no signed checkpoint of that size; POST /audit/checkpoints first");
        if (found.logIndex >= checkpoint.treeSize) {
          throw new BadRequestProblem("the event is newer than the checkpoint", [
            { field: "query.size", message: `must be above the event's log index ${found.logIndex}` },
          ]);
        }
        return { checkpoint, proof: await ledger.inclusion(event, found.logIndex, checkpoint.treeSize) };
      },
    );

    app.get(
      "/proofs/consistency",
      { config: auth(...auditors), schema: { querystring: consistencyQuery, tags: ["audit"] } },
      async (request) => {
        const { from, to } = request.query;
        const checkpoints = await ledger.checkpoints();
        const first = checkpoints.find((c) => c.treeSize === from);
        const second = checkpoints.find((c) => c.treeSize === to);
        if (!first || !second) {
          throw new BadRequestProblem("both sizes must be signed checkpoints", [
            { field: first ? "query.to" : "query.from", message: "no signed checkpoint of this size" },
          ]);
        }
        return { first, second, proof: await ledger.consistency(from, to) };
      },
    );

    app.post("/verify", { config: auth(...auditors), schema: { tags: ["audit"] } }, async () =>
      verifyStore(store, trail, await ledger.checkpoints(), key.publicKeyBase64),
    );
  };
}
