import { chinaDate } from "@gov/calendar";
import type { Role } from "@gov/contracts";
import type { MessagingLogger } from "@gov/messaging";
import { requestContext } from "@gov/runtime";
import {
  auth,
  ConflictProblem,
  commandReply,
  type FastifyPluginAsyncZod,
  ForbiddenProblem,
  NotFoundProblem,
  pageRequest,
  sendPage,
} from "@gov/service-kit";
import type { FastifyRequest } from "fastify";
import type { Handlers } from "../application/handlers.ts";
import { onLoop, registerComplaint } from "../application/loop.ts";
import { rate, raterPseudonym } from "../application/ratings.ts";
import { evaluateClocks } from "../application/scheduler.ts";
import type { CasesCopy } from "../read-models/cases-copy.ts";
import { computeKpis, type KpiTargets } from "../read-models/kpis.ts";
import type { SqlSupervision } from "../read-models/supervision-sql.ts";
import {
  anyBody,
  appealBody,
  appealDecisionBody,
  complaintBody,
  findingParams,
  idParams,
  inspectionBody,
  kpiQuery,
  listQuery,
  penaltyBody,
  pushQuery,
  ratingBody,
  reopenBody,
  stepBody,
  urgeBody,
  violationBody,
} from "./schemas.ts";
import { verificationRoutes } from "./verification-routes.ts";

export interface RouteDeps {
  handlers: Handlers;
  model: SqlSupervision;
  cases: CasesCopy;
  indexKey: Buffer;
  clock: () => string;
  logger: MessagingLogger;
  targets: KpiTargets;
}

/** Who reads the lists and KPIs: the supervising side, regulators, auditors; officers for their department. */
const readers: Role[] = ["supervisor", "regulator", "auditor", "officer"];
const tags = ["review-and-monitor"];

/**
 * HTTP → commands and queries. No response carries a rater's or complainant's pseudonym except the appeal
 * route, read by the supervising side that decides it (国办发〔2019〕51号: 保护评价人隐私).
 */
export function reviewRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  const { handlers, model, clock } = deps;
  return async (app) => {
    const ctx = (request: FastifyRequest) => requestContext(request, clock);
    /** A list's page from `?limit=&after=`; a cursor not of these lists is a 400 naming `query.after`. */
    const page = (query: { limit: number; after?: string | undefined }) => pageRequest(query, ["string"]);
    /**
     * The department a reader may see: an officer only its own (a token without `department` is refused, and
     * asking for another department is refused); the others any, or the one asked for.
     */
    const scope = (request: FastifyRequest, asked: string | undefined): string | undefined => {
      const actor = request.context.actor;
      if (actor?.role !== "officer") return asked;
      if (!actor.department) throw new ForbiddenProblem("an officer's token names its department");
      if (asked && asked !== actor.department)
        throw new ForbiddenProblem("an officer reads its own department");
      return actor.department;
    };
    const feedbackOf = async (request: FastifyRequest, id: string) => {
      const f = await model.feedbackLoop(id);
      if (!f) throw new NotFoundProblem(`no feedback loop ${id}`);
      const department = scope(request, f.department.creditCode);
      if (department && department !== f.department.creditCode) throw new ForbiddenProblem();
      return f;
    };

    app.post(
      "/ratings",
      { config: auth("applicant", "window-clerk", "supervisor"), schema: { body: ratingBody, tags } },
      async (request, reply) => {
        const r = await rate(deps, request.body, ctx(request));
        return reply
          .status(r.result.replayed ? 200 : 201)
          .send(commandReply(reply, r.ratingId, r.result, r.feedbackId ? { feedbackId: r.feedbackId } : {}));
      },
    );
    for (const method of ["PUT", "DELETE"] as const) {
      app.route({
        method,
        url: "/ratings/:id",
        config: auth(
          "applicant",
          "window-clerk",
          "officer",
          "department-head",
          "supervisor",
          "regulator",
          "auditor",
          "admin",
        ),
        schema: { params: idParams, ...(method === "PUT" ? { body: anyBody } : {}), tags },
        handler: async (request) => {
          const { id } = request.params as { id: string };
          const attempt = method === "PUT" ? "change" : "delete";
          await handlers.ratings.handle(id, { type: "AttemptRatingChange", data: { attempt } }, ctx(request));
          throw new ConflictProblem(`a rating is final: this attempt to ${attempt} it was recorded`);
        },
      });
    }
    app.get(
      "/ratings",
      { config: auth(...readers), schema: { querystring: listQuery, tags } },
      async (request, reply) => {
        const department = scope(request, request.query.department);
        return sendPage(
          request,
          reply,
          await model.ratings(department ? { department } : {}, page(request.query)),
        );
      },
    );

    app.post(
      "/complaints",
      { config: auth("supervisor"), schema: { body: complaintBody, tags } },
      async (request, reply) => {
        const b = request.body;
        const c = ctx(request);
        const feedbackId = `C${b.complaintId}`;
        const result = await registerComplaint(
          handlers,
          {
            feedbackId,
            kind: "complaint",
            complaint: { channel: b.channel, category: b.category, summary: b.summary },
            raisedBy: raterPseudonym(b.complainant, deps.indexKey),
            ...(b.caseId ? { caseId: b.caseId } : {}),
            ...(b.matterId ? { matterId: b.matterId } : {}),
            department: b.department,
            openedOn: chinaDate(c.now),
          },
          c,
        );
        return reply.status(result.replayed ? 200 : 201).send(commandReply(reply, feedbackId, result));
      },
    );

    app.get(
      "/feedback",
      { config: auth(...readers), schema: { querystring: listQuery, tags } },
      async (request, reply) => {
        const department = scope(request, request.query.department);
        const filter = {
          ...(department ? { department } : {}),
          ...(request.query.kind ? { sub: request.query.kind } : {}),
        };
        return sendPage(request, reply, await model.feedback(filter, page(request.query)));
      },
    );
    app.get(
      "/feedback/:id",
      { config: auth(...readers), schema: { params: idParams, tags } },
      async (request) => feedbackOf(request, request.params.id),
    );
    const loopCommand = <B>(url: string, body: import("zod").ZodType<B>, toCommand: (b: B) => never) =>
      app.post(
        url,
        { config: auth("supervisor", "officer"), schema: { params: idParams, body, tags } },
        async (request, reply) => {
          const { id } = request.params as { id: string };
          const result = await onLoop(handlers, id, toCommand(request.body as B), ctx(request));
          return reply.status(201).send(commandReply(reply, id, result));
        },
      );
    loopCommand("/feedback/:id/steps", stepBody, (b) => ({ type: "DoStep", data: b }) as never);
    loopCommand("/feedback/:id/reopen", reopenBody, (b) => ({ type: "ReopenFeedback", data: b }) as never);
    loopCommand("/feedback/:id/appeal", appealBody, (b) => ({ type: "AppealRating", data: b }) as never);
    loopCommand(
      "/feedback/:id/appeal/decision",
      appealDecisionBody,
      (b) => ({ type: "DecideAppeal", data: b }) as never,
    );
    /** The one route that shows who rated (as the pseudonym): the supervising side deciding an appeal. */
    app.get(
      "/feedback/:id/appeal",
      { config: auth("supervisor"), schema: { params: idParams, tags } },
      async (request) => {
        const f = await model.feedbackLoop(request.params.id);
        if (!f?.appeal || !f.ratingId) throw new NotFoundProblem("no appeal on this loop");
        const rating = await handlers.ratings.load(f.ratingId);
        if (rating.status !== "rated") throw new NotFoundProblem("no such rating");
        return { feedbackId: f.feedbackId, appeal: f.appeal, rating: rating.rating };
      },
    );

    app.get(
      "/warnings",
      { config: auth(...readers), schema: { querystring: listQuery, tags } },
      async (request, reply) => {
        const department = scope(request, request.query.department);
        const filter = {
          ...(department ? { department } : {}),
          ...(request.query.level ? { level: request.query.level } : {}),
        };
        return sendPage(request, reply, await model.warnings(filter, page(request.query)));
      },
    );
    app.get(
      "/overdue",
      { config: auth(...readers), schema: { querystring: listQuery, tags } },
      async (request, reply) => {
        const department = scope(request, request.query.department);
        return sendPage(
          request,
          reply,
          await model.overdue(chinaDate(clock()), department, page(request.query)),
        );
      },
    );
    app.post(
      "/clocks/:id/urge",
      { config: auth("supervisor"), schema: { params: idParams, body: urgeBody, tags } },
      async (request, reply) => {
        const { id } = request.params;
        const result = await handlers.watch.handle(
          id,
          { type: "UrgeHandling", data: request.body },
          ctx(request),
        );
        return reply.status(201).send(commandReply(reply, id, result));
      },
    );
    app.get(
      "/kpis",
      { config: auth(...readers), schema: { querystring: kpiQuery, tags } },
      async (request) => {
        const department = scope(request, request.query.department);
        const period = {
          ...(request.query.from ? { from: request.query.from } : {}),
          ...(request.query.to ? { to: request.query.to } : {}),
          ...(department ? { department } : {}),
        };
        return computeKpis(await model.forKpis(period), {
          ...(request.query.from ? { from: request.query.from } : {}),
          ...(request.query.to ? { to: request.query.to } : {}),
          ...(department ? { department } : {}),
          targets: deps.targets,
        });
      },
    );

    app.post(
      "/inspections",
      { config: auth("regulator"), schema: { body: inspectionBody, tags } },
      async (request, reply) => {
        const b = request.body;
        const result = await handlers.inspections.handle(
          b.inspectionId,
          { type: "RecordInspection", data: b },
          ctx(request),
        );
        return reply.status(result.replayed ? 200 : 201).send(commandReply(reply, b.inspectionId, result));
      },
    );
    app.post(
      "/findings",
      { config: auth("regulator"), schema: { body: violationBody, tags } },
      async (request, reply) => {
        const { measure, ...violation } = request.body;
        const result = await handlers.findings.handle(
          violation.findingId,
          {
            type: "RecordViolation",
            data: {
              violation,
              measure: { measure, ...(violation.permitId ? { permitId: violation.permitId } : {}) },
            },
          },
          ctx(request),
        );
        return reply
          .status(result.replayed ? 200 : 201)
          .send(commandReply(reply, violation.findingId, result));
      },
    );
    app.post(
      "/findings/:id/penalty",
      { config: auth("regulator"), schema: { params: findingParams, body: penaltyBody, tags } },
      async (request, reply) => {
        const { id } = request.params;
        const result = await handlers.findings.handle(
          id,
          { type: "DecidePenalty", data: { findingId: id, ...request.body } },
          ctx(request),
        );
        return reply.status(201).send(commandReply(reply, id, result));
      },
    );
    app.get(
      "/findings",
      { config: auth(...readers), schema: { querystring: listQuery, tags } },
      async (request, reply) => {
        const department = scope(request, request.query.department);
        return sendPage(
          request,
          reply,
          await model.findings(department ? { department } : {}, page(request.query)),
        );
      },
    );

    app.get(
      "/pushes",
      { config: auth(...readers, "department-head"), schema: { querystring: pushQuery, tags } },
      async (request, reply) => {
        const actor = request.context.actor;
        // A department head reads its department's list (the escalations); an officer its department's tasks.
        let department: string | undefined;
        if (actor?.role === "department-head") {
          if (!actor.department) throw new ForbiddenProblem("a department head's token names its department");
          department = actor.department;
        } else department = scope(request, request.query.department);
        const status = request.query.status;
        const filter = { ...(department ? { department } : {}), ...(status ? { status } : {}) };
        return sendPage(request, reply, await model.pushes(filter, page(request.query)));
      },
    );
    app.post(
      "/pushes/:id/claim",
      { config: auth("officer"), schema: { params: idParams, tags } },
      async (request, reply) => {
        const { id } = request.params;
        const result = await handlers.pushes.handle(id, { type: "ClaimPush", data: {} }, ctx(request));
        return reply.status(201).send(commandReply(reply, id, result));
      },
    );

    await app.register(verificationRoutes({ handlers, model, readers, scope, ctx, clock }));

    app.post("/scheduler/run", { config: auth("admin", "system"), schema: { tags } }, async () =>
      evaluateClocks(handlers, model, clock(), deps.logger),
    );
  };
}
