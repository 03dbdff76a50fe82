import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { BadRequestProblem } from "./problems.ts";

/**
 * Lists come in pages (keyset cursors, as intake's queue): at most `limit` items (default 50, at most 200) after
 * the cursor `after`, which is the `next-cursor` of the page before. A cursor is the last item's sort key as
 * base64url JSON; a page costs the same wherever it starts.
 */
export interface Page<T> {
  items: T[];
  /** The next page's cursor; absent on the last page. */
  next?: string;
}

export interface PageRequest<K extends (string | number)[] = (string | number)[]> {
  limit?: number;
  after?: K;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;

export const pageLimit = (page: PageRequest) => Math.min(page.limit ?? DEFAULT_PAGE, MAX_PAGE);

export const encodeCursor = (key: readonly (string | number)[]) =>
  Buffer.from(JSON.stringify(key)).toString("base64url");

/** A cursor back into its key of `types` (one entry per key part), or undefined when it is not one of ours. */
export function decodeCursor(
  cursor: string,
  types: readonly ("string" | "number")[],
): (string | number)[] | undefined {
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (!Array.isArray(key) || key.length !== types.length) return undefined;
    const ok = key.every((k, i) =>
      types[i] === "number" ? typeof k === "number" && Number.isSafeInteger(k) : typeof k === "string",
    );
    return ok ? (key as (string | number)[]) : undefined;
  } catch {
    return undefined;
  }
}

/** A page from `limit + 1` rows in key order: the extra row only says there is a next page. */
export function pageOf<R, T>(
  rows: readonly R[],
  limit: number,
  key: (r: R) => (string | number)[],
  item: (r: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return { items: shown.map(item), ...(more && last !== undefined ? { next: encodeCursor(key(last)) } : {}) };
}

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
