import type { FastifySchemaCompiler } from "fastify";
import { validatorCompiler } from "fastify-type-provider-zod";
import type { ZodType } from "zod";
import { BadRequestProblem, type FieldError } from "./problems.ts";

/** How the kit names a request part in a field path (`body.reason`, `query.text`, `params.id`, `headers.x`). */
export function partName(httpPart: string | undefined): string {
  return httpPart === "querystring" ? "query" : (httpPart ?? "body");
}

const MESSAGE = "not well-formed Unicode text (a lone surrogate)";

/**
 * Every string (and object key) in `value` that is not well-formed Unicode — a lone UTF-16 surrogate such as
 * `"a\ud800b"`, which JSON allows but UTF-8, canonical JSON (RFC 8785) and the databases do not — as the
 * fields at fault, e.g. `body.reason`, `body.materials.0.note`.
 */
export function illFormedText(
  value: unknown,
  path: string,
  found: FieldError[] = [],
  depth = 0,
): FieldError[] {
  if (found.length >= 20) return found;
  if (typeof value === "string") {
    if (!value.isWellFormed()) found.push({ field: path, message: MESSAGE });
    return found;
  }
  if (value === null || typeof value !== "object" || depth > 64) return found;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) illFormedText(v, `${path}.${i}`, found, depth + 1);
    return found;
  }
  for (const [key, v] of Object.entries(value)) {
    const at = `${path}.${key.toWellFormed()}`;
    if (!key.isWellFormed()) found.push({ field: at, message: `${MESSAGE} in the field name` });
    illFormedText(v, at, found, depth + 1);
  }
  return found;
}

/**
 * The kit's validator compiler: zod's (fastify-type-provider-zod), after one check for every route and every
 * request part with a schema — body, query, params, headers: a string that is not well-formed Unicode is a
 * 400 naming its field, so that no handler, no event and no log line ever holds one.
 */
export const wellFormedValidatorCompiler: FastifySchemaCompiler<ZodType> = (route) => {
  const validate = validatorCompiler(route);
  const part = partName(route.httpPart);
  return (data) => {
    const bad = illFormedText(data, part);
    if (bad.length > 0) {
      return { error: new BadRequestProblem(`invalid ${part}: ${bad.map((e) => e.field).join(", ")}`, bad) };
    }
    return validate(data);
  };
};
