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

export type VerifierConfig = Pick<
  KitConfig,
  "AUTH_JWT_SECRET" | "AUTH_JWKS_URL" | "AUTH_ISSUER" | "AUTH_AUDIENCE"
> &
  Partial<Pick<KitConfig, "AUTH_MAX_TOKEN_TTL" | "AUTH_CLOCK_SKEW_S">>;

/** The default longest token lifetime (`AUTH_MAX_TOKEN_TTL`), seconds. */
export const DEFAULT_MAX_TOKEN_TTL_S = 12 * 3600;
/** The default clock skew tolerated for `iat`, `nbf` and `exp` (`AUTH_CLOCK_SKEW_S`), seconds. */
export const DEFAULT_CLOCK_SKEW_S = 60;

/**
 * Checks a bearer token: signature, issuer, audience, and (RFC 7519 §4.1) an `exp` that has not passed, an
 * `nbf` and an `iat` that are not in the future (each within the clock skew), a lifetime (`exp` − `iat`, or
 * from now without `iat`) no longer than the maximum, a non-empty `sub` and a known `role`.
 */
export function createVerifier(config: VerifierConfig): Verifier {
  const skew = config.AUTH_CLOCK_SKEW_S ?? DEFAULT_CLOCK_SKEW_S;
  const maxTtl = config.AUTH_MAX_TOKEN_TTL ?? DEFAULT_MAX_TOKEN_TTL_S;
  const options = {
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    clockTolerance: skew,
    requiredClaims: ["exp", "sub"],
  };
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
        const claim = (error as { claim?: string }).claim;
        throw new UnauthorizedProblem(
          code === "ERR_JWT_EXPIRED"
            ? "the token has expired"
            : code === "ERR_JWT_CLAIM_VALIDATION_FAILED" && claim
              ? `the token's ${claim} claim is missing or not valid`
              : "the token is not valid",
        );
      }
      const now = Math.floor(Date.now() / 1000);
      const exp = payload.exp as number; // required and checked by jwtVerify
      if (payload.iat !== undefined && payload.iat > now + skew) {
        throw new UnauthorizedProblem("the token's iat claim is in the future");
      }
      if (exp - (payload.iat ?? now) > maxTtl) {
        throw new UnauthorizedProblem(`the token lives longer than the ${maxTtl} s allowed`);
      }
      const role = payload.role;
      if (typeof payload.sub !== "string" || payload.sub.trim() === "" || !roles.includes(role as Role)) {
        throw new UnauthorizedProblem("the token lacks a subject or a known role");
      }
      const actor: Actor = { id: payload.sub, role: role as Role };
      if (typeof payload.department === "string") actor.department = payload.department;
      if (typeof payload.region === "string") actor.region = payload.region;
      return actor;
    },
  };
}

/** The token of an `Authorization: Bearer <token>` header; the scheme in any case (RFC 7235 §2.1). */
export function bearerToken(header: string | undefined): string | undefined {
  return /^bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header ?? "")?.[1];
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
