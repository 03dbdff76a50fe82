import { foldFor, stateJson } from "@gov/aggregates";
import type { Json } from "@gov/eventsourcing";

/** One event as the point-in-time fold needs it (a row of the trail). */
export interface FoldedEvent {
  stream: string;
  service: string;
  type: string;
  time: string;
  version: number;
  data: Json;
}

/**
 * The state of one stream of a case as it stood at an instant, two ways:
 * - `fields`: every value a service recorded, each event's data laid over the ones before (last write wins);
 * - `state`: the aggregate's state as its owner's decider sees it, folded with the owner's own `evolve` from
 *   `@gov/aggregates` (the same function the service runs), for every case-related stream category. Personal
 *   data in it reads `(sealed)`, or `(erased)` once the subject's key is gone.
 */
export interface StreamState {
  stream: string;
  service: string;
  revision: number;
  lastType: string;
  since: string;
  erased: boolean;
  fields: Record<string, Json>;
  state?: Json;
  /** Why `state` is missing although the stream has an owner's fold (an event its evolve could not apply). */
  stateError?: string;
}

/**
 * Adds the owner's folded `state` to each stream that has one (`raw` are the same events as `stateAt` had, but
 * with their stored data, personal data still sealed): folded up to `at`, then personal data fields masked.
 */
export function withOwnerStates(
  states: Record<string, StreamState>,
  raw: readonly FoldedEvent[],
  at: string,
  protectedFields: ReadonlySet<string>,
): Record<string, StreamState> {
  const limit = Date.parse(at);
  const out: Record<string, StreamState> = {};
  for (const [stream, s] of Object.entries(states)) {
    const owner = foldFor(stream);
    if (!owner) {
      out[stream] = s;
      continue;
    }
    const events = raw.filter((e) => e.stream === stream && Date.parse(e.time) <= limit);
    try {
      const state = mask(stateJson(owner.fold(events)), protectedFields, s.erased ? "(erased)" : "(sealed)");
      out[stream] = { ...s, state: state as Json };
    } catch (error) {
      out[stream] = { ...s, stateError: `${owner.service}'s evolve failed: ${(error as Error).message}` };
    }
  }
  return out;
}

function mask(value: unknown, fields: ReadonlySet<string>, shown: string): unknown {
  if (Array.isArray(value)) return value.map((v) => mask(v, fields, shown));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, fields.has(k) ? shown : mask(v, fields, shown)]),
    );
  }
  return value;
}

const ERASURE = /identity-erased\.v\d+$/;

/** Folds a case's events (in log order) up to and including `at` (an ISO instant) into one state per stream. */
export function stateAt(events: readonly FoldedEvent[], at: string): Record<string, StreamState> {
  const limit = Date.parse(at);
  const states: Record<string, StreamState> = {};
  for (const e of events) {
    if (Date.parse(e.time) > limit) continue;
    const before = states[e.stream];
    const fields: Record<string, Json> = { ...(before?.fields ?? {}) };
    if (e.data !== null && typeof e.data === "object" && !Array.isArray(e.data))
      Object.assign(fields, e.data);
    states[e.stream] = {
      stream: e.stream,
      service: e.service,
      revision: e.version,
      lastType: e.type,
      since: e.time,
      erased: (before?.erased ?? false) || ERASURE.test(e.type),
      fields,
    };
  }
  return states;
}

export interface FieldChange {
  field: string;
  from?: Json;
  to?: Json;
}

export interface StreamChange {
  stream: string;
  service: string;
  kind: "appeared" | "changed";
  fromRevision?: number;
  toRevision: number;
  fromType?: string;
  toType: string;
  fields: FieldChange[];
  /** The owner's status before and after, where its folded state has one (`submitted` → `accepted`). */
  status?: { from?: Json; to?: Json };
}

const statusOf = (s: StreamState | undefined): Json | undefined =>
  s?.state !== null && typeof s?.state === "object" && !Array.isArray(s.state)
    ? (s.state as Record<string, Json>).status
    : undefined;

/** What changed between two folded states (`stateAt` at `from`, then at `to`). */
export function diffStates(
  from: Record<string, StreamState>,
  to: Record<string, StreamState>,
): StreamChange[] {
  const changes: StreamChange[] = [];
  for (const [stream, after] of Object.entries(to)) {
    const before = from[stream];
    if (before && before.revision === after.revision) continue;
    const fields: FieldChange[] = [];
    const names = new Set([...Object.keys(before?.fields ?? {}), ...Object.keys(after.fields)]);
    for (const field of [...names].sort()) {
      const a = before?.fields[field];
      const b = after.fields[field];
      if (JSON.stringify(a) === JSON.stringify(b)) continue;
      fields.push({ field, ...(a === undefined ? {} : { from: a }), ...(b === undefined ? {} : { to: b }) });
    }
    changes.push({
      stream,
      service: after.service,
      kind: before ? "changed" : "appeared",
      ...(before ? { fromRevision: before.revision, fromType: before.lastType } : {}),
      toRevision: after.revision,
      toType: after.lastType,
      fields,
      ...(statusOf(before) !== statusOf(after)
        ? {
            status: {
              ...(statusOf(before) === undefined ? {} : { from: statusOf(before) }),
              ...(statusOf(after) === undefined ? {} : { to: statusOf(after) }),
            },
          }
        : {}),
    });
  }
  return changes;
}
