import { auth, type FastifyPluginAsyncZod } from "@gov/service-kit";
import type { SqlCaseSteps } from "../read-models/case-steps-sql.ts";
import { toCsv, toJsonLines } from "./export.ts";
import { caseStepsQuery } from "./schemas.ts";

export interface ExchangeRoutesDeps {
  steps: SqlCaseSteps;
}

/**
 * The export of the feed for a day or a range: auditors and admins (to check what was reported) and the system
 * integration role (the job that hands the file to the provincial exchange).
 */
export function exchangeRoutes(deps: ExchangeRoutesDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/case-steps",
      {
        config: auth("auditor", "admin", "system"),
        schema: { querystring: caseStepsQuery, tags: ["exchange"] },
      },
      async (request, reply) => {
        const { from, to, format, limit, after } = request.query;
        const page = await deps.steps.page({
          from,
          to: to ?? from,
          limit,
          ...(after ? { after: Number(after) } : {}),
        });
        if (page.next !== undefined) {
          const next = String(page.next);
          const url = new URL(request.url, "http://local");
          url.searchParams.set("after", next);
          reply.header("next-cursor", next);
          reply.header("link", `<${url.pathname}${url.search}>; rel="next"`);
        }
        if (format === "csv") {
          reply.type("text/csv; charset=utf-8");
          return toCsv(page.items, after === undefined);
        }
        reply.type("application/x-ndjson; charset=utf-8");
        return toJsonLines(page.items);
      },
    );
  };
}
