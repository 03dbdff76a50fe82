import type { CommandContext } from "@gov/eventsourcing";
import { requestContext } from "@gov/runtime";
import type { FastifyPluginAsyncZod, Role, RouteAuth } from "@gov/service-kit";
import { ForbiddenProblem, NotFoundProblem } from "@gov/service-kit";
import type { FastifyRequest } from "fastify";
import type { IntakeService } from "../application/intake-service.ts";
import { runDueProcesses } from "../application/scheduler.ts";
import type { ApplicationsModel, ApplicationView } from "../read-models/applications.ts";
import {
  applicationParams,
  bundleApplicationParams,
  bundleSubmitBody,
  checkBody,
  commandResult,
  materialsBody,
  queueQuery,
  rejectBody,
  submitBody,
  withdrawBody,
} from "./schemas.ts";

const auth = (roles: Role[]): { auth: RouteAuth } => ({ auth: { roles } });
const windowStaff: Role[] = ["window-clerk", "admin"];

/**
 * HTTP → commands and queries. Applicants act on their own applications (their token's subject is their
 * subject id); window clerks on their region's; officers read their department's matters' applications;
 * auditors, regulators and admins read all.
 */
export function intakeRoutes(
  service: IntakeService,
  model: ApplicationsModel,
  clock: () => string,
): FastifyPluginAsyncZod {
  return async (app) => {
    const ctx = (request: FastifyRequest) => requestContext(request, clock);
    /** Who may see or act on this application (404 rather than 403 would leak less; we say why). */
    const allowed = (request: FastifyRequest, a: ApplicationView) => {
      const actor = request.context.actor;
      if (!actor) return false;
      switch (actor.role) {
        case "applicant":
          return a.applicant.subjectId === actor.id;
        case "window-clerk":
          return !actor.region || a.matter.region === actor.region;
        case "officer":
          return a.matter.department.creditCode === actor.department;
        default:
          return ["admin", "auditor", "regulator", "system"].includes(actor.role);
      }
    };
    const find = (request: FastifyRequest, applicationId: string) => {
      const a = model.get(applicationId);
      if (!a) throw new NotFoundProblem(`no application ${applicationId}`);
      if (!allowed(request, a)) throw new ForbiddenProblem("this application is not yours to see or handle");
      return a;
    };
    const answer = (applicationId: string, r: Awaited<ReturnType<IntakeService["execute"]>>) => {
      const accepted = r.events.find((e) => e.type === "ApplicationAccepted");
      return {
        applicationId,
        revision: r.nextExpectedRevision,
        events: r.events.map((e) => ({ type: e.type })),
        replayed: r.replayed,
        ...(accepted ? { caseNumber: (accepted.data as { caseNumber: string }).caseNumber } : {}),
      };
    };

    app.post(
      "/applications",
      {
        config: auth(["applicant", ...windowStaff]),
        schema: { body: submitBody, response: { 201: commandResult }, tags: ["intake"] },
      },
      async (request, reply) => {
        const c = ctx(request);
        const applicant = service.applicantRef(request.body.applicant, "body.applicant");
        if (c.actor.role === "applicant" && applicant.subjectId !== c.actor.id) {
          throw new ForbiddenProblem(
            "an applicant submits only for itself (or through 帮办代办 at a window)",
          );
        }
        const { applicationId, result } = await service.submit(request.body, c);
        return reply.status(201).send(answer(applicationId, result));
      },
    );

    app.post(
      "/bundle-applications",
      { config: auth(["applicant", ...windowStaff]), schema: { body: bundleSubmitBody, tags: ["intake"] } },
      async (request, reply) => {
        const c = ctx(request);
        const applicant = service.applicantRef(request.body.applicant, "body.applicant");
        if (c.actor.role === "applicant" && applicant.subjectId !== c.actor.id) {
          throw new ForbiddenProblem(
            "an applicant submits only for itself (or through 帮办代办 at a window)",
          );
        }
        return reply.status(201).send(await service.submitBundle(request.body, c));
      },
    );

    app.get(
      "/bundle-applications/:bundleApplicationId",
      {
        config: auth(["applicant", "window-clerk", "officer", "auditor", "regulator", "admin", "system"]),
        schema: { params: bundleApplicationParams, tags: ["intake"] },
      },
      async (request) => {
        const b = model.bundle(request.params.bundleApplicationId);
        if (!b) throw new NotFoundProblem(`no bundle application ${request.params.bundleApplicationId}`);
        for (const c of b.cases) if (!allowed(request, c)) throw new ForbiddenProblem("not yours to see");
        return b;
      },
    );

    app.get(
      "/applications/:applicationId",
      {
        config: auth(["applicant", "window-clerk", "officer", "auditor", "regulator", "admin", "system"]),
        schema: { params: applicationParams, tags: ["intake"] },
      },
      async (request) => find(request, request.params.applicationId),
    );

    app.get(
      "/queue",
      {
        config: auth(["window-clerk", "officer", "admin"]),
        schema: { querystring: queueQuery, tags: ["intake"] },
      },
      async (request) => {
        const actor = request.context.actor;
        const region =
          actor?.role === "window-clerk" ? (actor.region ?? request.query.region) : request.query.region;
        return model.queue({
          ...(region ? { region } : {}),
          ...(actor?.role === "officer" && actor.department ? { department: actor.department } : {}),
        });
      },
    );

    const command = <B>(
      path: string,
      roles: Role[],
      body: import("zod").ZodType<B>,
      run: (applicationId: string, body: B, c: CommandContext) => ReturnType<IntakeService["execute"]>,
    ) =>
      app.post(
        `/applications/:applicationId/${path}`,
        {
          config: auth(roles),
          schema: { params: applicationParams, body, response: { 200: commandResult }, tags: ["intake"] },
        },
        async (request) => {
          const { applicationId } = request.params;
          find(request, applicationId);
          return answer(applicationId, await run(applicationId, request.body as B, ctx(request)));
        },
      );

    command("check", windowStaff, checkBody, (id, b, c) => service.check(id, b.defects, c));
    command("supplement", ["applicant", ...windowStaff], materialsBody, (id, b, c) =>
      service.execute(id, { type: "SupplementMaterials", data: { materials: b.materials } }, c),
    );
    command("reject", windowStaff, rejectBody, (id, b, c) =>
      service.execute(id, { type: "RejectApplication", data: b }, c),
    );
    command("deferred-materials", ["applicant", ...windowStaff], materialsBody, (id, b, c) =>
      service.execute(id, { type: "SupplyDeferredMaterials", data: { materials: b.materials } }, c),
    );
    command("withdraw", ["applicant", ...windowStaff], withdrawBody, (id, b, c) =>
      service.execute(id, { type: "WithdrawApplication", data: { reason: b.reason } }, c),
    );

    app.post(
      "/scheduler/run",
      { config: auth(["admin", "system"]), schema: { tags: ["intake"] } },
      async () => runDueProcesses(service, model, clock()),
    );
  };
}
