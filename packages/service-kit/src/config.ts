import { z } from "zod";

/** The kit's own settings, read from environment variables (validated at start-up). */
export const kitConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Largest accepted request body, bytes. */
  BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** HS256 secret for JWTs; required outside development. */
  AUTH_JWT_SECRET: z.string().min(32).optional(),
  /** A JWKS endpoint for JWTs signed by an identity provider (RS256/ES256). */
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_ISSUER: z.string().min(1).default("gov-platform"),
  AUTH_AUDIENCE: z.string().min(1).default("gov-platform"),
  /** How long a read that sends `min-log-position` waits for the read models before answering 503. */
  READ_YOUR_WRITES_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** Milliseconds to finish in-flight work on SIGTERM before exiting anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
});
export type KitConfig = z.infer<typeof kitConfigSchema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: { variable: string; message: string }[];
  constructor(problems: { variable: string; message: string }[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable}: ${p.message}`).join("; ")}`);
    this.problems = problems;
  }
}

/**
 * Reads and validates the environment. A service adds its own variables with `extra`; every bad or missing
 * variable is named in one error.
 */
export function loadConfig<Extra extends z.ZodRawShape = Record<string, never>>(
  env: Record<string, string | undefined>,
  extra?: Extra,
): KitConfig & z.infer<z.ZodObject<Extra>> {
  const schema = extra ? kitConfigSchema.extend(extra) : kitConfigSchema;
  const parsed = schema
    .superRefine((c, ctx) => {
      if (c.NODE_ENV === "production" && !c.AUTH_JWT_SECRET && !c.AUTH_JWKS_URL) {
        ctx.addIssue({
          code: "custom",
          path: ["AUTH_JWT_SECRET"],
          message: "required in production (or set AUTH_JWKS_URL)",
        });
      }
    })
    .safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? "?"), message: i.message })),
    );
  }
  return parsed.data as KitConfig & z.infer<z.ZodObject<Extra>>;
}
