import { type Actor, type Role, roles } from "@gov/contracts";
import { createRemoteJWKSet, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { KitConfig } from "./config.ts";
import { UnauthorizedProblem } from "./problems.ts";

export { type Actor, type Role, roles } from "@gov/contracts";

/** Per-route declaration: `"public"`, or the roles that may call it. Routes without one are denied. */
export type RouteAuth = "public" | { roles: readonly Role[] };

/**
 * For local use only: the key embedded mode signs and checks tokens with when no AUTH_JWT_SECRET is set.
 * It is public (it is in the repository), so `loadConfig` refuses production without a real key.
 */
export const DEVELOPMENT_SECRET = "gov-platform-development-only-secret-do-not-use-in-production";

export interface Verifier {
  verify(token: string): Promise<Actor>;
}

export function createVerifier(
  config: Pick<KitConfig, "AUTH_JWT_SECRET" | "AUTH_JWKS_URL" | "AUTH_ISSUER" | "AUTH_AUDIENCE">,
): Verifier {
  const options = { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE };
  const key = config.AUTH_JWKS_URL
    ? createRemoteJWKSet(new URL(config.AUTH_JWKS_URL))
    : new TextEncoder().encode(config.AUTH_JWT_SECRET ?? DEVELOPMENT_SECRET);
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        payload = (
          typeof key === "function"
            ? await jwtVerify(token, key, options)
            : await jwtVerify(token, key, options)
        ).payload;
      } catch (error) {
        const code = (error as { code?: string }).code;
        throw new UnauthorizedProblem(
          code === "ERR_JWT_EXPIRED" ? "the token has expired" : "the token is not valid",
        );
      }
      const role = payload.role;
      if (typeof payload.sub !== "string" || !roles.includes(role as Role)) {
        throw new UnauthorizedProblem("the token lacks a subject or a known role");
      }
      const actor: Actor = { id: payload.sub, role: role as Role };
      if (typeof payload.department === "string") actor.department = payload.department;
      if (typeof payload.region === "string") actor.region = payload.region;
      return actor;
    },
  };
}

export interface MintOptions {
  sub: string;
  role: Role;
  department?: string;
  region?: string;
  /** e.g. "8h", "15m" (jose time span). */
  ttl?: string;
  secret?: string;
  issuer?: string;
  audience?: string;
}

/** Signs an HS256 token (local use, tests, and services' own system tokens). */
export async function mintToken(options: MintOptions): Promise<string> {
  const claims: JWTPayload = { role: options.role };
  if (options.department) claims.department = options.department;
  if (options.region) claims.region = options.region;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(options.sub)
    .setIssuer(options.issuer ?? "gov-platform")
    .setAudience(options.audience ?? "gov-platform")
    .setIssuedAt()
    .setExpirationTime(options.ttl ?? "8h")
    .sign(new TextEncoder().encode(options.secret ?? DEVELOPMENT_SECRET));
}
