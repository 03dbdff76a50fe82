import type { CreditList } from "@gov/contracts";
import { requestContext } from "@gov/runtime";
import type { FastifyPluginAsyncZod, Role, RouteAuth } from "@gov/service-kit";
import { ForbiddenProblem, NotFoundProblem } from "@gov/service-kit";
import type { FastifyRequest } from "fastify";
import type { CreditService } from "../application/credit-service.ts";
import { runDueProcesses } from "../application/scheduler.ts";
import type { CreditRegistry, SubjectView } from "../read-models/registry.ts";
import {
  commandResult,
  erasureBody,
  listingBody,
  listingParams,
  listParams,
  lookupBody,
  objectionBody,
  objectionDecisionBody,
  registrationBody,
  repairBody,
  repairDecisionBody,
  subjectParams,
  withdrawBody,
} from "./schemas.ts";

const creditAdmins: Role[] = ["credit-admin", "admin"];
const readers: Role[] = [
  "window-clerk",
  "officer",
  "regulator",
  "credit-admin",
  "auditor",
  "admin",
  "system",
];
const auth = (roles: Role[]): { auth: RouteAuth } => ({ auth: { roles } });

/**
 * HTTP → commands and queries. Credit administrators manage entries; the subject (an applicant whose token's
 * subject is its subject id) or an administrator on its behalf objects and asks for repair; other services'
 * roles and auditors read; an applicant reads only its own record.
 */
export function creditRoutes(
  service: CreditService,
  registry: CreditRegistry,
  clock: () => string,
): FastifyPluginAsyncZod {
  return async (app) => {
    const ctx = (request: FastifyRequest) => requestContext(request, clock);
    /** An applicant acts only on its own record. */
    const ownOrStaff = (request: FastifyRequest, subjectId: string) => {
      const actor = request.context.actor;
      if (actor?.role === "applicant" && actor.id !== subjectId) {
        throw new ForbiddenProblem("an applicant may act only on its own credit record");
      }
    };
    const answer = (subjectId: string, r: Awaited<ReturnType<CreditService["execute"]>>) => ({
      subjectId,
      revision: r.nextExpectedRevision,
      events: r.events.map((e) => ({ type: e.type })),
      replayed: r.replayed,
    });
    const view = async (s: SubjectView, staff: boolean) => {
      const { identity, history: _h, ...rest } = s;
      // Only credit administrators see a person's (masked) number and name, opened with the subject's key.
      const person = staff && identity ? await service.identity(s.subjectId, identity) : undefined;
      return { ...rest, ...(person ? { person } : {}) };
    };

    app.post(
      "/subjects",
      { config: auth(creditAdmins), schema: { body: registrationBody, tags: ["credit"] } },
      async (request, reply) => {
        const r = await service.register(request.body, ctx(request));
        return reply.status(r.created ? 201 : 200).send(r);
      },
    );

    app.post(
      "/lookup",
      { config: auth([...readers, "applicant"]), schema: { body: lookupBody, tags: ["credit"] } },
      async (request) => {
        const subjectId = service.subjectIdOf(request.body);
        ownOrStaff(request, subjectId);
        const s = registry.get(subjectId);
        if (!s)
          return {
            subjectId,
            registered: false,
            status: "normal",
            measures: service.measures.measures.normal,
          };
        return { registered: true, ...(await view(s, false)) };
      },
    );

    app.get(
      "/subjects/:subjectId",
      { config: auth([...readers, "applicant"]), schema: { params: subjectParams, tags: ["credit"] } },
      async (request) => {
        ownOrStaff(request, request.params.subjectId);
        const s = registry.get(request.params.subjectId);
        if (!s) throw new NotFoundProblem(`no subject ${request.params.subjectId}`);
        return view(s, creditAdmins.includes(request.context.actor?.role as Role));
      },
    );

    app.get(
      "/subjects/:subjectId/history",
      {
        config: auth(["credit-admin", "admin", "auditor", "regulator", "applicant"]),
        schema: { params: subjectParams, tags: ["credit"] },
      },
      async (request) => {
        ownOrStaff(request, request.params.subjectId);
        const s = registry.get(request.params.subjectId);
        if (!s) throw new NotFoundProblem(`no subject ${request.params.subjectId}`);
        return s.history;
      },
    );

    app.post(
      "/subjects/:subjectId/listings",
      {
        config: auth(creditAdmins),
        schema: {
          params: subjectParams,
          body: listingBody,
          response: { 201: commandResult },
          tags: ["credit"],
        },
      },
      async (request, reply) => {
        const { subjectId } = request.params;
        const { startDate, validUntil, severity, ground, ...rest } = request.body;
        const r = await service.execute(
          subjectId,
          {
            type: "ProposeListing",
            data: {
              ...rest,
              ...(startDate ? { startDate } : {}),
              ...(validUntil ? { validUntil } : {}),
              ...(severity ? { severity } : {}),
              ...(ground ? { ground } : {}),
              source: { kind: "manual" },
            },
          },
          ctx(request),
        );
        return reply.status(201).send(answer(subjectId, r));
      },
    );

    const listingCommand = <B>(
      path: string,
      roles: Role[],
      body: import("zod").ZodType<B>,
      toCommand: (listingId: string, body: B) => Parameters<CreditService["execute"]>[1],
      subjectMayAct = false,
    ) =>
      app.post(
        `/subjects/:subjectId/listings/:listingId/${path}`,
        {
          config: auth(subjectMayAct ? [...roles, "applicant"] : roles),
          schema: { params: listingParams, body, response: { 200: commandResult }, tags: ["credit"] },
        },
        async (request) => {
          const { subjectId, listingId } = request.params;
          ownOrStaff(request, subjectId);
          const r = await service.execute(subjectId, toCommand(listingId, request.body as B), ctx(request));
          return answer(subjectId, r);
        },
      );

    listingCommand(
      "objection",
      creditAdmins,
      objectionBody,
      (listingId, b) => ({ type: "FileObjection", data: { listingId, grounds: b.grounds } }),
      true,
    );
    listingCommand("objection/decision", creditAdmins, objectionDecisionBody, (listingId, b) => ({
      type: "DecideObjection",
      data: { listingId, ...b },
    }));
    listingCommand(
      "repair",
      creditAdmins,
      repairBody,
      (listingId, b) => ({ type: "RequestRepair", data: { listingId, ...b } }),
      true,
    );
    listingCommand("repair/decision", creditAdmins, repairDecisionBody, (listingId, b) => ({
      type: "DecideRepair",
      data: { listingId, ...b },
    }));
    listingCommand("withdraw", creditAdmins, withdrawBody, (listingId, b) => ({
      type: "WithdrawListing",
      data: { listingId, reason: b.reason },
    }));

    app.post(
      "/subjects/:subjectId/erasure",
      {
        config: auth(["admin"]),
        schema: {
          params: subjectParams,
          body: erasureBody,
          response: { 200: commandResult },
          tags: ["credit"],
        },
      },
      async (request) => {
        const { subjectId } = request.params;
        return answer(subjectId, await service.erase(subjectId, request.body.request, ctx(request)));
      },
    );

    app.get(
      "/lists/:list",
      { config: { auth: "public" }, schema: { params: listParams, tags: ["credit"] } },
      async (request) => registry.onList(request.params.list as CreditList),
    );

    app.get(
      "/measures",
      { config: { auth: "public" }, schema: { tags: ["credit"] } },
      async () => service.measures,
    );

    app.post(
      "/scheduler/run",
      { config: auth(["admin", "system"]), schema: { tags: ["credit"] } },
      async () => runDueProcesses(service, registry, clock()),
    );
  };
}
