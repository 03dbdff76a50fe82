import { randomUUID } from "node:crypto";
import { chinaDate } from "@gov/calendar";
import { type CreditEventData, creditEventSchemas, creditEventTypes } from "@gov/contracts";
import {
  type CommandContext,
  type EventStore,
  EventTypes,
  eventMetadata,
  type RecordedEvent,
  toNewEvent,
} from "@gov/eventsourcing";
import { SOURCE } from "./subjects.ts";

type LookupEvent = { type: "LookupRecorded"; data: CreditEventData["LookupRecorded"] };
const lookupTypes = new EventTypes<LookupEvent>(
  { LookupRecorded: creditEventTypes.LookupRecorded },
  { schemas: { LookupRecorded: creditEventSchemas.LookupRecorded } },
);

/** Where the look-ups of one subject are recorded: its own stream, apart from the subject's record. */
export const lookupStream = (subjectId: string) => `lookup-${subjectId}`;

/**
 * Records who (the context's actor) looked up whom (the subject id, never the number) and why, before the
 * answer is given (个人信息保护法 第五十一条; GB/T 22239-2019 安全审计). Appended without reading the stream:
 * look-ups never conflict with each other.
 */
export async function recordLookup(
  store: EventStore,
  lookup: Omit<CreditEventData["LookupRecorded"], "lookedUpOn">,
  ctx: CommandContext,
): Promise<void> {
  const event: LookupEvent = {
    type: "LookupRecorded",
    data: { ...lookup, lookedUpOn: chinaDate(ctx.now) },
  };
  const region = ctx.actor.region;
  const meta = eventMetadata(SOURCE, ctx, region && /^\d{6}$/.test(region) ? { region } : {});
  await store.append(
    lookupStream(lookup.subjectId),
    [toNewEvent(lookupTypes, event, randomUUID(), meta)],
    "any",
  );
}

export interface LookupRecord {
  position: string;
  time: string;
  /** Who looked up: the token's subject, role and (when it has them) department and region. */
  by: { id: string; role: string; department?: string; region?: string };
  identifier: CreditEventData["LookupRecorded"]["identifier"];
  registered: boolean;
  purpose: string;
}

/** One page of the look-ups of a subject, oldest first; `after` is the last stream revision seen. */
export async function lookupsOf(
  store: EventStore,
  subjectId: string,
  page: { limit: number; after?: number },
): Promise<{ items: LookupRecord[]; next?: string }> {
  const recorded = await store.readStream(lookupStream(subjectId));
  const from = recorded.filter((r) => page.after === undefined || r.streamversion > page.after);
  const items = from.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map(toRecord),
    ...(from.length > page.limit && last ? { next: String(last.streamversion) } : {}),
  };
}

function toRecord(r: RecordedEvent): LookupRecord {
  const d = creditEventSchemas.LookupRecorded.parse(r.data);
  return {
    position: r.position,
    time: r.time,
    by: {
      id: r.actor.id,
      role: r.actor.role,
      ...(r.actor.department ? { department: r.actor.department } : {}),
      ...(r.region ? { region: r.region } : {}),
    },
    identifier: d.identifier,
    registered: d.registered,
    purpose: d.purpose,
  };
}

/**
 * A per-caller limit on look-ups: at most `perMinute` in any 60 seconds (a sliding window, by the module's
 * clock), kept in this process. Answers how many seconds to wait, or 0 when the call may go ahead (and counts it).
 */
export function lookupLimiter(perMinute: number, now: () => string) {
  const WINDOW_MS = 60_000;
  const calls = new Map<string, number[]>();
  return {
    take(caller: string): number {
      const t = Date.parse(now());
      const recent = (calls.get(caller) ?? []).filter((at) => at > t - WINDOW_MS);
      if (recent.length >= perMinute) {
        calls.set(caller, recent);
        const oldest = recent[0] ?? t;
        return Math.max(1, Math.ceil((oldest + WINDOW_MS - t) / 1000));
      }
      recent.push(t);
      calls.set(caller, recent);
      // Forget callers that have been quiet for a window, so that the map does not grow without bound.
      if (calls.size > 10_000)
        for (const [k, v] of calls) if ((v.at(-1) ?? 0) <= t - WINDOW_MS) calls.delete(k);
      return 0;
    },
  };
}
