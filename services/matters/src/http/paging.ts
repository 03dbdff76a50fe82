import { BadRequestProblem } from "@gov/service-kit";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { DEFAULT_PAGE, decodeCursor, MAX_PAGE, type Page } from "../read-models/page.ts";

/** `?limit=&after=`: at most `limit` items (default 50, at most 200) after the cursor `after` (a `next-cursor`). */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
  after: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,400}$/)
    .optional(),
};
export const pageOnly = z.object(pageQuery);

/** The page request of a list whose sort key has parts of `types`; a cursor that is not this list's is 400. */
export function pageRequest(
  query: { limit: number; after?: string | undefined },
  types: readonly ("string" | "number")[],
) {
  if (query.after === undefined) return { limit: query.limit };
  const after = decodeCursor(query.after, types);
  if (!after)
    throw new BadRequestProblem("not a cursor of this list", [
      { field: "query.after", message: "use the next-cursor of the page before" },
    ]);
  return { limit: query.limit, after };
}

/** A page as the list itself, with the next page's cursor in `next-cursor` and a `link: <…>; rel="next"` header. */
export function sendPage<T>(request: FastifyRequest, reply: FastifyReply, page: Page<T>): T[] {
  if (page.next) {
    const url = new URL(request.url, "http://local");
    url.searchParams.set("after", page.next);
    reply.header("next-cursor", page.next);
    reply.header("link", `<${url.pathname}${url.search}>; rel="next"`);
  }
  return page.items;
}
