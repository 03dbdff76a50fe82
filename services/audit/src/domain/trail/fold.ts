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
 * The state of one stream of a case as it stood at an instant. A service never imports another service, so the
 * audit service cannot run the services' own `evolve` functions: this is a generic fold — each event's data
 * fields laid over the ones before (last write wins), with the last event's type as the stream's status. It
 * shows every value a service recorded, not the derived fields a service's decider computes (docs/audit.md).
 */
export interface StreamState {
  stream: string;
  service: string;
  revision: number;
  lastType: string;
  since: string;
  erased: boolean;
  fields: Record<string, Json>;
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
}

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
    });
  }
  return changes;
}
