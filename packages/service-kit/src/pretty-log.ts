// Runs in pino's transport worker thread (`createLogger` with `pretty`), never on the request path: the main
// thread writes the already masked and redacted JSON line into a shared buffer, and this thread turns it into
// one readable line. Nothing here may add data: it only formats what the main thread let through.
import build, { type PrettyOptions } from "pino-pretty";

interface AccessFields {
  req?: { method?: string; path?: string };
  res?: { statusCode?: number };
  responseTime?: number;
}

/** `GET /intake/applications 201 3.2 ms` for the access line; other lines keep their message, with the request. */
export function formatMessage(log: Record<string, unknown>, messageKey: string): string {
  const { req, res, responseTime } = log as AccessFields;
  const message = typeof log[messageKey] === "string" ? (log[messageKey] as string) : "";
  if (!req) return message;
  const request = [
    req.method,
    req.path,
    res?.statusCode,
    responseTime !== undefined ? `${responseTime} ms` : "",
  ]
    .filter((part) => part !== undefined && part !== "")
    .join(" ");
  return message === "request completed" ? request : `${message} (${request})`;
}

export const prettyOptions: PrettyOptions = {
  singleLine: true,
  translateTime: "SYS:HH:MM:ss.l",
  // The request's fields are in the message; `reqId` is usually the correlation id, which stays.
  ignore: "pid,hostname,req,res,responseTime,reqId",
  messageFormat: formatMessage,
};

/** pino's transport entry point (`pino.transport({ target })`). */
export default function prettyLog(options: PrettyOptions = {}) {
  return build({ ...prettyOptions, ...options });
}
