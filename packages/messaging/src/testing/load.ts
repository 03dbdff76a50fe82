import { randomUUID } from "node:crypto";
import type { EventStore, NewEvent } from "@gov/eventsourcing";

/** Test data: `perStream` events of about `bytes` each on `streams` streams of `category`, appended in batches. */
export async function appendMany(
  store: EventStore,
  category: string,
  opts: { streams: number; perStream: number; batch?: number; bytes?: number },
): Promise<string[]> {
  const ids: string[] = [];
  const batch = opts.batch ?? 50;
  const filler = "x".repeat(Math.max(0, (opts.bytes ?? 200) - 150));
  for (let s = 0; s < opts.streams; s++) {
    const stream = `${category}-s${s}`;
    for (let from = 0; from < opts.perStream; from += batch) {
      const events: NewEvent[] = [];
      for (let i = from; i < Math.min(from + batch, opts.perStream); i++) {
        events.push({
          id: randomUUID(),
          type: "gov.test.thing.happened.v1",
          source: "gov.test",
          time: new Date().toISOString(),
          data: { i, filler },
          actor: { id: "load", role: "system" },
          caseid: stream,
        });
      }
      await store.append(stream, events, from === 0 ? "no-stream" : from - 1);
      ids.push(...events.map((e) => e.id));
    }
  }
  return ids;
}

/** Counts deliveries per event id: how many arrived, how many were duplicates. */
export class DeliveryLedger {
  readonly counts = new Map<string, number>();
  add(id: string): void {
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
  }
  get unique(): number {
    return this.counts.size;
  }
  get duplicates(): number {
    let d = 0;
    for (const c of this.counts.values()) d += c - 1;
    return d;
  }
  missing(expected: readonly string[]): string[] {
    return expected.filter((id) => !this.counts.has(id));
  }
}
