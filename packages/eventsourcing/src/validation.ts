import { role } from "@gov/contracts";
import { z } from "zod";
import type { NewEvent } from "./envelope.ts";
import { InvalidEventError } from "./errors.ts";

/** Default upper bound for one event's serialised size. Large documents belong in a file store, referenced by hash. */
export const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;

const newEventSchema = z.object({
  id: z.uuid(),
  type: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, dots, underscores and dashes"),
  source: z.string().min(1).max(200),
  time: z.iso.datetime({ offset: true }),
  data: z.unknown(),
  caseid: z.string().min(1).max(200).optional(),
  causationid: z.string().min(1).max(200).optional(),
  correlationid: z.string().min(1).max(200).optional(),
  actor: z.object({ id: z.string().min(1), role, department: z.string().min(1).optional() }),
  region: z
    .string()
    .regex(/^\d{6}$/, "a 6-digit 行政区划 code")
    .optional(),
  // W3C Trace Context, version 00 (CloudEvents distributed-tracing extension).
  traceparent: z
    .string()
    .regex(
      /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/,
      "a W3C traceparent (00-<trace id>-<span id>-<flags>)",
    )
    .optional(),
});

/** Rejects a batch before anything is stored: the first field at fault is named, e.g. `events[1].data.amount`. */
export function validateNewEvents(
  streamId: string,
  events: readonly NewEvent[],
  maxEventBytes = DEFAULT_MAX_EVENT_BYTES,
): void {
  if (typeof streamId !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/.test(streamId)) {
    throw new InvalidEventError("streamId", "1–200 characters: letters, digits, '_', '.', ':' and '-'");
  }
  if (events.length === 0) throw new InvalidEventError("events", "at least one event is required");
  const seen = new Set<string>();
  events.forEach((event, i) => {
    const parsed = newEventSchema.safeParse(event);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.length ? `.${issue.path.join(".")}` : "";
      throw new InvalidEventError(`events[${i}]${path}`, issue?.message ?? "invalid");
    }
    assertJson(event.data, `events[${i}].data`);
    if (seen.has(event.id)) throw new InvalidEventError(`events[${i}].id`, "duplicate id within the batch");
    seen.add(event.id);
    const bytes = Buffer.byteLength(JSON.stringify(event), "utf8");
    if (bytes > maxEventBytes) {
      throw new InvalidEventError(
        `events[${i}]`,
        `event is ${bytes} bytes, above the limit of ${maxEventBytes}`,
      );
    }
  });
}

/** Plain JSON only: no undefined, functions, symbols, bigint, non-finite numbers, Dates or class instances. */
function assertJson(value: unknown, path: string): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new InvalidEventError(path, "numbers must be finite");
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      assertJson(item, `${path}[${i}]`);
    });
    return;
  }
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null)
      throw new InvalidEventError(path, "must be a plain JSON object");
    for (const [key, item] of Object.entries(value)) assertJson(item, `${path}.${key}`);
    return;
  }
  throw new InvalidEventError(path, `${typeof value} is not JSON`);
}
