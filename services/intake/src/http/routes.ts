import type { Role } from "@gov/contracts";
import { type CommandInput, comparePositions } from "@gov/eventsourcing";
import { requestContext } from "@gov/runtime";
import {
  auth,
  BadRequestProblem,
  commandReply,
  type FastifyPluginAsyncZod,
  ForbiddenProblem,
  NotFoundProblem,
  sendPage,
} from "@gov/service-kit";
import type { FastifyRequest } from "fastify";
import type { z } from "zod";
import type { ApplicationResult } from "../application/applications.ts";
import { type CheckDeps, checkApplication } from "../application/check.ts";
import type { IntakeScheduler } from "../application/scheduler.ts";
import { type SubmitDeps, submitApplication, submitBundle } from "../application/submit.ts";
import type { ApplicationCommand } from "../domain/application/commands.ts";
import type { ApplicationView } from "../read-models/applications.ts";
import {
  type ApplicationScope,
  decodeCursor,
  type SqlApplications,
} from "../read-models/applications-sql.ts";
import {
  applicationCommandResult,
  applicationParams,
  bundleApplicationParams,
  bundleCommandResult,
  bundleSubmitBody,
  checkBody,
  intakeKpis,
  materialsBody,
  queueQuery,
  rejectBody,
  schedulerRunResult,
  schedulerStatus,
  searchQuery,
  submitBody,
  withdrawBody,
} from "./schemas.ts";

/**
 * Casework at the window is the window clerk's (separation of duties, docs/service-kit.md: `admin` administers
 * the platform and does no casework; GB/T 22239-2019 安全管理中心).
 */
const windowStaff: Role[] = ["window-clerk"];
/** Who may read applications, each within its scope (`allowed`, `scopeOf`); admins for operational support. */
const readers: Role[] = ["applicant", "window-clerk", "officer", "auditor", "regulator", "admin", "system"];
/**
 * The claim each scoped role's rules need: the clerk's region (the window they sit at), the officer's
 * department. A token without it is refused on every intake route (fail closed), never read as "everywhere".
 */
const scopeClaim: Partial<Record<Role, "region" | "department">> = {
  "window-clerk": "region",
  officer: "department",
};

export interface IntakeRoutesDeps extends SubmitDeps, CheckDeps {
  applications: SqlApplications;
  scheduler: IntakeScheduler;
  clock: () => string;
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/** The case number of the acceptance a command produced, for the reply. */
const caseNumberOf = (r: ApplicationResult) => {
  for (const e of r.events) if (e.type === "ApplicationAccepted") return { caseNumber: e.data.caseNumber };
  return {};
};

/**
 * HTTP → commands and queries. Applicants act on their own applications (their token's subject is their
 * subject id); window clerks on their region's (and may receive any region's application: 帮办代办,
 * 跨域通办); officers read their department's matters' applications; auditors, regulators, admins and system
 * read all. A clerk's token without `region` and an officer's without `department` are refused everywhere.
 */
export function intakeRoutes(deps: IntakeRoutesDeps): FastifyPluginAsyncZod {
  const { applications: model, clock } = deps;
  return async (app) => {
    const ctx = (request: FastifyRequest) => requestContext(request, clock);
    // After the kit's authentication (a root hook, so it runs first): a scoped role without its claim is 403.
    app.addHook("onRequest", async (request) => {
      const actor = request.context.actor;
      const claim = actor ? scopeClaim[actor.role] : undefined;
      if (actor && claim && !actor[claim])
        throw new ForbiddenProblem(`a ${actor.role} token must carry the ${claim} claim to use intake`);
    });
    /** Who may see or act on this application (404 rather than 403 would leak less; we say why). */
    const allowed = (request: FastifyRequest, a: ApplicationView) => {
      const actor = request.context.actor;
      if (!actor) return false;
      switch (actor.role) {
        case "applicant":
          return a.applicant.subjectId === actor.id;
        case "window-clerk":
          return actor.region !== undefined && a.matter.region === actor.region;
        case "officer":
          return actor.department !== undefined && a.matter.department.creditCode === actor.department;
        default:
          return ["admin", "auditor", "regulator", "system"].includes(actor.role);
      }
    };
    /** The caller's scope as filters, so that a page holds only what it may see; no scope is a 403. */
    const scopeOf = (request: FastifyRequest): ApplicationScope => {
      const actor = request.context.actor;
      const scope = (): ApplicationScope | undefined => {
        switch (actor?.role) {
          case "applicant":
            return { subjectId: actor.id };
          case "window-clerk":
            return actor.region ? { region: actor.region } : undefined;
          case "officer":
            return actor.department ? { department: actor.department } : undefined;
          case "admin":
          case "auditor":
          case "regulator":
          case "system":
            return {};
          default:
            return undefined;
        }
      };
      const found = scope();
      if (!found) throw new ForbiddenProblem("your token does not say which applications you may see");
      return found;
    };
    /** A cursor from `?after=`, or a 400 naming it. */
    const cursor = (after: string | undefined, length: number) => {
      if (after === undefined) return undefined;
      const key = decodeCursor(after, length);
      if (!key)
        throw new BadRequestProblem("not a cursor of this list", [
          { field: "query.after", message: "use the next-cursor of the page before" },
        ]);
      return key;
    };
    const find = async (request: FastifyRequest, applicationId: string) => {
      const a = await model.get(applicationId);
      if (!a) throw new NotFoundProblem(`no application ${applicationId}`);
      if (!allowed(request, a)) throw new ForbiddenProblem("this application is not yours to see or handle");
      return a;
    };

    app.post(
      "/applications",
      {
        config: auth("applicant", ...windowStaff),
        schema: { body: submitBody, response: { 201: applicationCommandResult }, tags: ["intake"] },
      },
      async (request, reply) => {
        const { id, result, warnings } = await submitApplication(deps, request.body, ctx(request));
        return reply
          .status(201)
          .send(commandReply(reply, id, result, warnings.length > 0 ? { warnings } : {}));
      },
    );

    app.post(
      "/bundle-applications",
      {
        config: auth("applicant", ...windowStaff),
        schema: { body: bundleSubmitBody, response: { 201: bundleCommandResult }, tags: ["intake"] },
      },
      async (request, reply) => {
        const { id, cases, warnings } = await submitBundle(deps, request.body, ctx(request));
        // A bundle is no stream of its own: one reply for its cases, readable once the last is (log-position),
        // with no ETag (each case has its own revision to pin).
        const positions = cases
          .flatMap((c) => (c.result.position ? [c.result.position] : []))
          .sort(comparePositions);
        const body = commandReply(
          reply,
          id,
          {
            events: cases.flatMap((c) => c.result.events),
            nextExpectedRevision: Math.max(...cases.map((c) => c.result.nextExpectedRevision)),
            replayed: cases.every((c) => c.result.replayed),
            position: positions.at(-1),
          },
          { applicationIds: cases.map((c) => c.id), ...(warnings.length > 0 ? { warnings } : {}) },
        );
        reply.removeHeader("etag");
        return reply.status(201).send(body);
      },
    );

    app.get(
      "/bundle-applications/:bundleApplicationId",
      { config: auth(...readers), schema: { params: bundleApplicationParams, tags: ["intake"] } },
      async (request) => {
        const b = await model.bundle(request.params.bundleApplicationId);
        if (!b) throw new NotFoundProblem(`no bundle application ${request.params.bundleApplicationId}`);
        for (const c of b.cases) if (!allowed(request, c)) throw new ForbiddenProblem("not yours to see");
        return b;
      },
    );

    app.get(
      "/applications/:applicationId",
      { config: auth(...readers), schema: { params: applicationParams, tags: ["intake"] } },
      async (request) => {
        const application = await find(request, request.params.applicationId);
        // A scheduled step that cannot proceed (say, no published calendar for the year) marks the case.
        const stuck = deps.scheduler.status().stuck.find((s) => s.id === application.applicationId);
        if (!stuck) return application;
        const waiting = {
          action: stuck.action,
          reason: stuck.error,
          ...(stuck.problemType ? { problemType: stuck.problemType } : {}),
          since: stuck.since,
        };
        return { ...application, waiting };
      },
    );

    app.get(
      "/queue",
      {
        config: auth("window-clerk", "officer"),
        schema: { querystring: queueQuery, tags: ["intake"] },
      },
      async (request, reply) => {
        // A clerk's queue is their region's; an officer's their department's, `?region=` narrowing it.
        const scope = scopeOf(request);
        const { region } = request.query;
        if (region && scope.region && region !== scope.region)
          throw new ForbiddenProblem(`a window clerk sees the queue of region ${scope.region} only`);
        const page = await model.queue(
          { ...scope, ...optional("region", region) },
          { limit: request.query.limit, ...optional("after", cursor(request.query.after, 3)) },
        );
        return sendPage(request, reply, page);
      },
    );

    app.get(
      "/applications",
      { config: auth(...readers), schema: { querystring: searchQuery, tags: ["intake"] } },
      async (request, reply) => {
        const scope = scopeOf(request);
        const { caseNumber, subjectId, limit, after } = request.query;
        const page = await model.search(
          { ...optional("caseNumber", caseNumber), ...optional("subjectId", subjectId) },
          scope,
          { limit, ...optional("after", cursor(after, 1)) },
        );
        return sendPage(request, reply, page);
      },
    );

    app.get(
      "/kpis",
      {
        config: auth("window-clerk", "officer", "regulator", "auditor", "admin"),
        schema: { response: { 200: intakeKpis }, tags: ["intake"] },
      },
      async () => model.kpis(),
    );

    const command = {
      params: applicationParams,
      response: { 200: applicationCommandResult },
      tags: ["intake"],
    };

    app.post(
      "/applications/:applicationId/check",
      { config: auth(...windowStaff), schema: { ...command, body: checkBody } },
      async (request, reply) => {
        const { applicationId } = request.params;
        await find(request, applicationId);
        const { defects, deferralPromise } = request.body;
        const r = await checkApplication(
          deps,
          applicationId,
          { defects, ...(deferralPromise ? { deferralPromise } : {}) },
          ctx(request),
        );
        return commandReply(reply, applicationId, r, caseNumberOf(r));
      },
    );

    /** A command on one application: access checked against the read model, then the handler, then the reply. */
    const applicationCommand = <B>(
      path: string,
      roles: Role[],
      body: z.ZodType<B>,
      toCommand: (body: [B] extends [undefined] ? unknown : B) => CommandInput<ApplicationCommand>,
    ) =>
      app.post(
        `/applications/:applicationId/${path}`,
        { config: auth(...roles), schema: { ...command, body } },
        async (request, reply) => {
          const { applicationId } = request.params;
          await find(request, applicationId);
          const r = await deps.handler.handle(applicationId, toCommand(request.body), ctx(request));
          return commandReply(reply, applicationId, r);
        },
      );

    applicationCommand("supplement", ["applicant", ...windowStaff], materialsBody, ({ materials }) => ({
      type: "SupplementMaterials",
      data: { materials },
    }));
    applicationCommand("reject", windowStaff, rejectBody, (data) => ({ type: "RejectApplication", data }));
    applicationCommand(
      "deferred-materials",
      ["applicant", ...windowStaff],
      materialsBody,
      ({ materials }) => ({
        type: "SupplyDeferredMaterials",
        data: { materials },
      }),
    );
    applicationCommand("withdraw", ["applicant", ...windowStaff], withdrawBody, ({ reason }) => ({
      type: "WithdrawApplication",
      data: { reason },
    }));

    app.post(
      "/scheduler/run",
      {
        config: auth("admin", "system"),
        schema: { response: { 200: schedulerRunResult }, tags: ["intake"] },
      },
      async () => deps.scheduler.run(clock()),
    );

    app.get(
      "/scheduler",
      {
        config: auth("admin", "system"),
        schema: { response: { 200: schedulerStatus }, tags: ["intake"] },
      },
      async () => deps.scheduler.status(),
    );
  };
}
