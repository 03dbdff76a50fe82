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
    formatters: { log: (object) => maskDeep(object) as Record<string, unknown> },
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
