import fp from "fastify-plugin";
import { BadRequestProblem, Problem } from "../problems.ts";

export interface LimitsPluginOptions {
  /** Longest request target (path and query), characters: longer is a 414 (`MAX_URL_LENGTH`). */
  maxUrlLength: number;
}

/** The one header every command may carry besides the token: at most 200 characters of a safe set. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._~:+/=-]{1,200}$/;

/** The `Idempotency-Key` of a request: absent, or a 400 naming `headers.idempotency-key` when it is not sane. */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const key = headers["idempotency-key"];
  if (key === undefined) return undefined;
  if (typeof key !== "string" || !IDEMPOTENCY_KEY.test(key)) {
    throw new BadRequestProblem("the Idempotency-Key header is not a valid key", [
      {
        field: "headers.idempotency-key",
        message: "1 to 200 characters of A-Z a-z 0-9 . _ ~ : + / = - (a UUID is a good key)",
      },
    ]);
  }
  return key;
}

/**
 * Request limits the kit applies before anything else: an over-long request target is a 414 (over-long path
 * parameters are a 414 too, through fastify's `maxParamLength`), and a malformed `Idempotency-Key` a 400
 * (after authentication, so that an anonymous caller learns nothing more than 401).
 */
export const limitsPlugin = fp<LimitsPluginOptions>(
  async (app, { maxUrlLength }) => {
    app.addHook("onRequest", async (request) => {
      if (request.url.length > maxUrlLength) {
        throw new Problem(
          414,
          "URI Too Long",
          `the request target is longer than ${maxUrlLength} characters`,
        );
      }
    });
    app.addHook("preValidation", async (request) => {
      idempotencyKeyOf(request.headers);
    });
  },
  { name: "gov-limits", fastify: "5.x" },
);
