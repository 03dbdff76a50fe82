import { fileURLToPath } from "node:url";
import { logTraceFields } from "@gov/telemetry";
import pino, { type DestinationStream, type Logger } from "pino";

/**
 * Personal data never reaches the logs (个人信息保护法 第五十一条): known fields are redacted at any depth
 * (`[redacted]`), and a safety net masks anything shaped like a 居民身份证号 or a mainland mobile number
 * inside any logged string. Both happen in one walk of the logged object on the calling thread, before the
 * line is written anywhere (to stdout, or to the pretty-printing worker in development).
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
/** Redacted wherever they appear: the personal fields, and credentials (a request's headers logged by hand). */
const REDACTED_KEYS = new Set([...PERSONAL_FIELDS, "authorization", "cookie"]);
const CENSOR = "[redacted]";

const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

const PRETTY_LOG = fileURLToPath(new URL("./pretty-log.ts", import.meta.url));

export function maskPersonalData(text: string): string {
  return text
    .replace(ID_NUMBER, (m) => `${m.slice(0, 3)}***********${m.slice(-2)}`)
    .replace(MOBILE, (m) => `${m.slice(0, 3)}****${m.slice(-4)}`);
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return maskPersonalData(value);
  if (value === null || typeof value !== "object") return value;
  // Deeper than any line needs: not walked, so not written either.
  if (depth > 6) return "[too deep]";
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  if (value instanceof Error) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = REDACTED_KEYS.has(k) ? CENSOR : maskDeep(v, depth + 1);
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

/**
 * `req`, `res` and `err` are left to their serializers (which mask); the trace ids (hex the tracer made, which
 * the phone-number net could otherwise cut into) are kept as they are; everything else is masked here.
 */
const UNMASKED_KEYS = new Set(["req", "res", "err", "trace_id", "span_id", "trace_flags"]);
function maskLogObject(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(object)) {
    out[k] = REDACTED_KEYS.has(k) ? CENSOR : UNMASKED_KEYS.has(k) ? v : maskDeep(v, 1);
  }
  return out;
}

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Where to write (tests capture logs here); stdout by default. */
  stream?: DestinationStream;
  /** With `pretty`: a file for the readable lines instead of stdout (tests read it), uncoloured. */
  prettyDestination?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  const base: pino.LoggerOptions = {
    level: options.level,
    // Top-level keys only, which pino censors without walking the line (child bindings too); deeper keys are
    // redacted by `maskLogObject` and the serializers in the walk they already make. Wildcard paths (`*.name`,
    // `*.*.name`) cost ~30 µs a line on the request path.
    redact: { paths: [...REDACTED_KEYS], censor: CENSOR },
    // These win over fastify's defaults (which would read a masked copy and log `{}`).
    serializers: {
      req: serializeRequest,
      res: serializeReply,
      err: (e: Error) => maskDeep(pino.stdSerializers.err(e)),
    },
    // Child bindings (reqId, correlationId) are not masked: the kit admits only safe ids (`isSafeId`); a
    // personal field among them is censored by `redact`.
    formatters: { log: maskLogObject },
    // The trace and span ids of the active span (tracing on: docs/operations.md, "Tracing"), on every line
    // logged inside a traced request, relay publish or event handling; nothing when tracing is off.
    mixin: logTraceFields,
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
  if (options.pretty) {
    // Readable lines, formatted in pino's worker thread (`pretty-log.ts`): the request path only writes the
    // masked JSON line into a shared buffer. Redaction and masking above run here, before the line is handed over.
    const transport = pino.transport({
      target: PRETTY_LOG,
      options: {
        colorize: options.prettyDestination === undefined,
        ...(options.prettyDestination ? { destination: options.prettyDestination } : {}),
      },
    });
    return pino(base, transport);
  }
  return pino(base);
}
