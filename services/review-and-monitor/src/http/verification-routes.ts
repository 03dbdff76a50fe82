import type { Role } from "@gov/contracts";
import { auth, commandReply, type FastifyPluginAsyncZod } from "@gov/service-kit";
import type { FastifyRequest } from "fastify";
import type { Handlers } from "../application/handlers.ts";
import { concludeVerification } from "../application/verification.ts";
import type { SqlSupervision } from "../read-models/supervision-sql.ts";
import { idParams, verificationOutcomeBody, verificationQuery } from "./schemas.ts";

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
}): FastifyPluginAsyncZod {
  const { handlers, model } = deps;
  return async (app) => {
    app.get(
      "/verifications",
      { config: auth(...deps.readers), schema: { querystring: verificationQuery, tags } },
      async (request) => {
        const department = deps.scope(request, request.query.department);
        const { status } = request.query;
        return model.verifications({
          ...(department ? { department } : {}),
          ...(status ? { status } : {}),
        });
      },
    );
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
