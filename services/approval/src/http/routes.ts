import { chinaDate } from "@gov/calendar";
import type { CommandContext } from "@gov/eventsourcing";
import { requestContext } from "@gov/runtime";
import type { FileKeyring } from "@gov/seal";
import {
  auth,
  commandReply,
  commandResult,
  type FastifyPluginAsyncZod,
  NotFoundProblem,
  pageOnly,
  pageRequest,
  sendPage,
} from "@gov/service-kit";
import type { FastifyRequest } from "fastify";
import type { PermitCommands } from "../application/certificates.ts";
import { type CaseCommands, issueCertificateFor } from "../application/issue.ts";
import { permitIdOf } from "../application/streams.ts";
import type { WorkingDays } from "../domain/case/clock.ts";
import type { CaseCommand } from "../domain/case/commands.ts";
import type { ApprovalReads } from "../read-models/approval-sql.ts";
import { caseworkers, departmentOf, mayRead, overseers } from "./access.ts";
import { certificateRoutes } from "./certificate-routes.ts";
import {
  bundleParams,
  caseParams,
  completeBody,
  decisionBody,
  endProcedureBody,
  extensionBody,
  procedureBody,
  procedureParams,
  reassignBody,
  returnBody,
  stepParams,
} from "./schemas.ts";

export interface ApprovalRouteDeps {
  cases: CaseCommands;
  permits: PermitCommands;
  keyring: FileKeyring;
  model: ApprovalReads;
  calendar: () => WorkingDays;
  clock: () => string;
}

/**
 * HTTP → commands and queries, under /approval. The implementing department's officers and heads work the
 * cases (the decider checks role and department on every action: another department gets 403); a department
 * head grants extensions; overseers and the applicant read.
 */
export function approvalRoutes(deps: ApprovalRouteDeps): FastifyPluginAsyncZod {
  const { cases, clock } = deps;
  return async (app) => {
    const ctx = (request: FastifyRequest): CommandContext => requestContext(request, clock);
    const today = () => chinaDate(clock());
    const act = (caseId: string, command: Parameters<CaseCommands["handle"]>[1], request: FastifyRequest) =>
      cases.handle(caseId, command as Extract<CaseCommand, { type: typeof command.type }>, ctx(request));
    const tags = ["approval"];

    // In pages (`limit`, `after` = the `next-cursor` of the page before), in the inbox's order of the day.
    app.get(
      "/inbox",
      { config: auth(...caseworkers), schema: { querystring: pageOnly, tags } },
      async (request, reply) => {
        const page = pageRequest(request.query, ["number", "string"]);
        return sendPage(
          request,
          reply,
          await deps.model.inboxPage(departmentOf(request), deps.calendar(), today(), page),
        );
      },
    );

    app.get(
      "/cases/:caseId",
      { config: auth(...caseworkers, ...overseers, "applicant"), schema: { params: caseParams, tags } },
      async (request) => {
        const view = await deps.model.view(request.params.caseId, deps.calendar(), today());
        if (!view) throw new NotFoundProblem(`no case ${request.params.caseId}`);
        mayRead(request, view.matter.department.creditCode, view.applicant.subjectId);
        return view;
      },
    );

    app.get(
      "/bundles/:bundleApplicationId",
      { config: auth(...caseworkers, ...overseers, "applicant"), schema: { params: bundleParams, tags } },
      async (request) => {
        const bundle = await deps.model.bundle(request.params.bundleApplicationId);
        if (!bundle) throw new NotFoundProblem(`no bundle ${request.params.bundleApplicationId}`);
        const actor = request.context.actor;
        const first = await deps.model.caseFile(bundle.cases[0]?.caseId ?? "");
        const own = bundle.cases.find((c) => c.department.creditCode === actor?.department);
        mayRead(
          request,
          own ? own.department.creditCode : (bundle.cases[0]?.department.creditCode ?? ""),
          first?.opened.applicant.subjectId ?? "",
        );
        return bundle;
      },
    );

    const stepAction = <B>(
      path: string,
      body: import("zod").ZodType<B>,
      command: (index: number, b: B) => Parameters<CaseCommands["handle"]>[1],
    ) =>
      app.post(
        `/cases/:caseId/steps/:index/${path}`,
        {
          config: auth(...caseworkers),
          schema: { params: stepParams, body, response: { 200: commandResult }, tags },
        },
        async (request, reply) => {
          const result = await act(
            request.params.caseId,
            command(request.params.index, request.body as B),
            request,
          );
          return commandReply(reply, request.params.caseId, result);
        },
      );

    app.post(
      "/cases/:caseId/steps/:index/claim",
      {
        config: auth(...caseworkers),
        schema: { params: stepParams, response: { 200: commandResult }, tags },
      },
      async (request, reply) => {
        const result = await act(
          request.params.caseId,
          { type: "ClaimStep", data: { stepIndex: request.params.index } },
          request,
        );
        return commandReply(reply, request.params.caseId, result);
      },
    );
    stepAction("complete", completeBody, (stepIndex, b) => ({
      type: "CompleteStep",
      data: { stepIndex, ...b },
    }));
    stepAction("return", returnBody, (stepIndex, b) => ({ type: "ReturnStep", data: { stepIndex, ...b } }));
    stepAction("reassign", reassignBody, (stepIndex, b) => ({
      type: "ReassignStep",
      data: { stepIndex, ...b },
    }));

    app.post(
      "/cases/:caseId/procedures",
      {
        config: auth(...caseworkers),
        schema: { params: caseParams, body: procedureBody, response: { 200: commandResult }, tags },
      },
      async (request, reply) => {
        const result = await act(
          request.params.caseId,
          { type: "StartProcedure", data: request.body },
          request,
        );
        return commandReply(reply, request.params.caseId, result);
      },
    );

    app.post(
      "/cases/:caseId/procedures/:procedureId/end",
      {
        config: auth(...caseworkers),
        schema: { params: procedureParams, body: endProcedureBody, response: { 200: commandResult }, tags },
      },
      async (request, reply) => {
        const { outcome, endedOn } = request.body;
        const result = await act(
          request.params.caseId,
          {
            type: "EndProcedure",
            data: { procedureId: request.params.procedureId, endedOn, ...(outcome ? { outcome } : {}) },
          },
          request,
        );
        return commandReply(reply, request.params.caseId, result);
      },
    );

    app.post(
      "/cases/:caseId/extension",
      {
        config: auth("department-head"),
        schema: { params: caseParams, body: extensionBody, response: { 200: commandResult }, tags },
      },
      async (request, reply) => {
        const result = await act(
          request.params.caseId,
          { type: "GrantExtension", data: request.body },
          request,
        );
        return commandReply(reply, request.params.caseId, result);
      },
    );

    app.post(
      "/cases/:caseId/decision",
      {
        config: auth(...caseworkers),
        schema: { params: caseParams, body: decisionBody, tags },
      },
      async (request, reply) => {
        const { caseId } = request.params;
        const { outcome, reason, legalBasis } = request.body;
        const c = ctx(request);
        const result = await cases.handle(
          caseId,
          {
            type: "DecideCase",
            data: {
              outcome,
              permitId: permitIdOf(caseId),
              ...(reason ? { reason } : {}),
              ...(legalBasis ? { legalBasis } : {}),
            },
          },
          c,
        );
        // 准予 → 发证: the certificate is issued and sealed in the same request (第四十四条 allows 10 days; it takes none).
        const issued =
          outcome === "approved"
            ? await issueCertificateFor(deps, caseId, {
                ...c,
                actor: { id: "approval-issuer", role: "system" },
                ...(c.idempotencyKey ? {} : { causationEventId: `decision:${caseId}` }),
              })
            : undefined;
        // The reply's log position is the certificate's (read-your-writes: a GET of it waits for the read model).
        return commandReply(
          reply,
          caseId,
          issued?.position ? { ...result, position: issued.position } : result,
          issued ? { certificateNo: issued.certificateNo } : {},
        );
      },
    );

    await app.register(certificateRoutes(deps));
  };
}
