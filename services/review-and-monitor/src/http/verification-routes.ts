import type { Role } from "@gov/contracts";
import {
  auth,
  commandReply,
  type FastifyPluginAsyncZod,
  NotFoundProblem,
  pageRequest,
  sendPage,
} from "@gov/service-kit";
import type { FastifyRequest } from "fastify";
import type { Handlers } from "../application/handlers.ts";
import { revealEndedPeriods } from "../application/scheduler.ts";
import { concludeVerification } from "../application/verification.ts";
import type { SqlSupervision } from "../read-models/supervision-sql.ts";
import { idParams, periodParams, verificationOutcomeBody, verificationQuery } from "./schemas.ts";

const tags = ["review-and-monitor"];

/**
 * 告知承诺 post-verification (国办发〔2020〕42号): the tasks, listed to the supervising side, regulators and auditors
 * (officers: their department's), and the outcome recorded by a regulator of the supervising department.
 */
export function verificationRoutes(deps: {
  handlers: Handlers;
  model: SqlSupervision;
  readers: Role[];
  scope: (request: FastifyRequest, asked: string | undefined) => string | undefined;
  ctx: (request: FastifyRequest) => ReturnType<typeof import("@gov/runtime").requestContext>;
  clock: () => string;
}): FastifyPluginAsyncZod {
  const { handlers, model } = deps;
  return async (app) => {
    app.get(
      "/verifications",
      { config: auth(...deps.readers), schema: { querystring: verificationQuery, tags } },
      async (request, reply) => {
        const department = deps.scope(request, request.query.department);
        const { status } = request.query;
        const filter = { ...(department ? { department } : {}), ...(status ? { status } : {}) };
        return sendPage(
          request,
          reply,
          await model.verifications(filter, pageRequest(request.query, ["string"])),
        );
      },
    );
    // Commit-reveal of the draw: a month's seed once revealed (after the month), for an auditor to re-derive every
    // draw of that month; until then 404 (the month's commitment is on each of its tasks).
    app.get(
      "/sampling/:period",
      { config: auth(...deps.readers), schema: { params: periodParams, tags } },
      async (request) => {
        const { period } = request.params;
        const state = await handlers.sampling.load(period);
        if (!state.revealed)
          throw new NotFoundProblem(
            `the sampling seed of ${period} is not revealed (it is, after the month has ended)`,
          );
        return state.revealed;
      },
    );
    // What the hourly reveal does, at once (an administrator after a month's end, or the tests).
    app.post("/sampling/reveal", { config: auth("admin", "system"), schema: { tags } }, async () => ({
      revealed: await revealEndedPeriods(handlers, deps.clock()),
    }));
    app.post(
      "/verifications/:id/outcome",
      { config: auth("regulator"), schema: { params: idParams, body: verificationOutcomeBody, tags } },
      async (request, reply) => {
        const { id } = request.params;
        const result = await concludeVerification(handlers, id, request.body, deps.ctx(request));
        return reply.status(201).send(commandReply(reply, id, result));
      },
    );
  };
}
