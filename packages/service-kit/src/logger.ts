import pino, { type DestinationStream, type Logger } from "pino";

/**
 * Personal data never reaches the logs (个人信息保护法 第五十一条): known fields are redacted at any of
 * the depths listed, and a safety net masks anything shaped like a 居民身份证号 or a mainland mobile number
 * inside any logged string.
 */
const PERSONAL_FIELDS = [
  "idNumber",
  "idCard",
  "identityNumber",
  "phone",
  "mobile",
  "contactPhone",
  "name",
  "applicantName",
  "legalRepresentative",
];
const REDACT_PATHS = [
  ...PERSONAL_FIELDS,
  ...PERSONAL_FIELDS.map((f) => `*.${f}`),
  ...PERSONAL_FIELDS.map((f) => `*.*.${f}`),
  "req.headers.authorization",
  "req.headers.cookie",
];

const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

export function maskPersonalData(text: string): string {
  return text
    .replace(ID_NUMBER, (m) => `${m.slice(0, 3)}***********${m.slice(-2)}`)
    .replace(MOBILE, (m) => `${m.slice(0, 3)}****${m.slice(-4)}`);
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return maskPersonalData(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  if (value instanceof Error) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}

/** What a request looks like in a log line: method, route pattern and path (masked; never the query). */
function serializeRequest(value: unknown): unknown {
  const r = value as {
    method?: string;
    url?: string;
    routeOptions?: { url?: string };
    raw?: unknown;
  } | null;
  if (!r || typeof r !== "object" || !("raw" in r)) return maskDeep(value);
  return {
    method: r.method,
    route: r.routeOptions?.url ?? "unmatched",
    path: maskPersonalData((r.url ?? "").split("?")[0] ?? ""),
  };
}

/** What a reply looks like in a log line: its status. */
function serializeReply(value: unknown): unknown {
  const r = value as { statusCode?: number; raw?: unknown } | null;
  if (!r || typeof r !== "object" || !("raw" in r)) return maskDeep(value);
  return { statusCode: r.statusCode };
}

/** `req`, `res` and `err` are left to their serializers (which mask); everything else is masked here. */
function maskLogObject(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(object)) {
    out[k] = k === "req" || k === "res" || k === "err" ? v : maskDeep(v, 1);
  }
  return out;
}

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Where to write (tests capture logs here); stdout by default. */
  stream?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const base: pino.LoggerOptions = {
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    // These win over fastify's defaults (which would read a masked copy and log `{}`).
    serializers: {
      req: serializeRequest,
      res: serializeReply,
      err: (e: Error) => maskDeep(pino.stdSerializers.err(e)),
    },
    // Child bindings (reqId, correlationId) are not formatted: the kit admits only safe ids (`isSafeId`).
    formatters: { log: maskLogObject },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === "string" ? maskPersonalData(a) : a)) as Parameters<typeof method>,
        );
      },
    },
  };
  if (options.stream) return pino(base, options.stream);
  if (options.pretty)
    return pino({ ...base, transport: { target: "pino-pretty", options: { colorize: true } } });
  return pino(base);
}
