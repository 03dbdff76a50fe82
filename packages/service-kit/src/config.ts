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
  /** The longest lifetime (`exp` − `iat`) a token may have, e.g. `12h`, `30m`, `3600` (seconds). */
  AUTH_MAX_TOKEN_TTL: z
    .string()
    .regex(/^\d{1,7}[smhd]?$/, "a duration such as 12h, 30m or 3600 (seconds)")
    .default("12h")
    .transform(durationSeconds)
    .refine((s) => s > 0, "must be longer than 0"),
  /** Seconds of clock difference tolerated for `iat`, `nbf` and `exp`. */
  AUTH_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(600).default(60),
  /** Longest path parameter, characters (longer: 414). */
  MAX_PARAM_LENGTH: z.coerce.number().int().min(16).max(2048).default(200),
  /** Longest request target (path and query), characters (longer: 414). */
  MAX_URL_LENGTH: z.coerce.number().int().min(256).max(16_384).default(4096),
  /** How long a client may take to send the request headers, ms (then 408 and the connection closes). */
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(50).default(10_000),
  /** How long a client may take to send the whole request, ms (then 408). */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(50).default(30_000),
  /** How long an idle keep-alive connection stays open, ms. */
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(50).default(5_000),
  /** Most simultaneous connections the server accepts (more are closed at once); 0: no limit. */
  MAX_CONNECTIONS: z.coerce.number().int().min(0).default(2_048),
  /** How long a read that sends `min-log-position` waits for the read models before answering 503. */
  READ_YOUR_WRITES_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** Milliseconds to finish in-flight work on SIGTERM before exiting anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  // OpenTelemetry tracing (docs/operations.md, "Tracing"): the standard variables, read by the SDK that the
  // tracing entry (`node --import ./dist/telemetry.js`) starts. Checked here so that a typo stops the start
  // with its name instead of silently leaving tracing off.
  /** `none` (tracing off, the default), or the exporters: `otlp`, `console`, `zipkin` (comma-separated). */
  OTEL_TRACES_EXPORTER: z
    .string()
    .regex(/^(none|otlp|console|zipkin)(,(none|otlp|console|zipkin))*$/, "none, otlp, console or zipkin")
    .default("none"),
  /** The service name on every span (the deployments set the service's name). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** The OTLP collector's base URL (the SDK's default: http://localhost:4318, or :4317 for grpc). */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(["http/protobuf", "http/json", "grpc"]).optional(),
  /** E.g. `parentbased_traceidratio` with OTEL_TRACES_SAMPLER_ARG=0.1 (the default samples every trace). */
  OTEL_TRACES_SAMPLER: z
    .enum([
      "always_on",
      "always_off",
      "traceidratio",
      "parentbased_always_on",
      "parentbased_always_off",
      "parentbased_traceidratio",
    ])
    .optional(),
  OTEL_TRACES_SAMPLER_ARG: z.string().min(1).optional(),
});
export type KitConfig = z.infer<typeof kitConfigSchema>;

/** `12h` → 43200; a bare number is seconds. */
export function durationSeconds(text: string): number {
  const unit = text.at(-1) ?? "";
  const n = Number.parseInt(text, 10);
  const factor: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
  return n * (factor[unit] ?? 1);
}

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
