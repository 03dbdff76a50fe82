import { randomUUID } from "node:crypto";
import type { EventStore, Json, NewEvent } from "@gov/eventsourcing";
import { toKafkaMessage } from "../src/cloudevents.ts";
import type { BusEvent } from "../src/event-bus.ts";

/** Bytes of event data, the same as ProducerPerformance's --record-size: the Kafka message's value. */
export const DATA_BYTES = 1000;
/** Events per append in the pre-filled log: one application's few events at a time, as services append. */
const PER_APPEND = 10;

/** Event data of exactly `DATA_BYTES` as JSON (ASCII), carrying `extra` (e.g. the append time). */
export function benchData(extra: Record<string, Json>): Json {
  const head = JSON.stringify({ ...extra, pad: "" });
  return { ...extra, pad: "x".repeat(Math.max(0, DATA_BYTES - head.length)) };
}

export function benchEvent(caseid: string, extra: Record<string, Json> = {}): NewEvent {
  return {
    id: randomUUID(),
    type: "gov.bench.application.updated.v1",
    source: "gov.bench",
    time: new Date().toISOString(),
    data: benchData(extra),
    actor: { id: "clerk-0042", role: "window-clerk", department: "330106-市场监管局" },
    caseid,
    region: "330106",
  };
}

/**
 * Appends `count` events to `category` (setup, not measured): streams of PER_APPEND events, one append per
 * stream, `concurrency` appends at a time, so that the log interleaves many case ids (message keys) the way
 * a service's log does.
 */
export async function fill(
  store: EventStore,
  category: string,
  count: number,
  concurrency = 1,
): Promise<void> {
  let next = 0;
  const streams = Math.ceil(count / PER_APPEND);
  const worker = async () => {
    for (let s = next++; s < streams; s = next++) {
      const caseid = `${category}-${s}`;
      const n = Math.min(PER_APPEND, count - s * PER_APPEND);
      const events = Array.from({ length: n }, (_, i) => benchEvent(caseid, { i: s * PER_APPEND + i }));
      await store.append(caseid, events, "no-stream");
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The size on the wire of one event's Kafka message: key, value and CloudEvents headers. */
export function messageBytes(event: BusEvent): { value: number; overhead: number } {
  const m = toKafkaMessage(event);
  const size = (v: unknown) => Buffer.byteLength(typeof v === "string" ? v : String(v ?? ""));
  let overhead = size(m.key);
  for (const [name, value] of Object.entries(m.headers ?? {})) overhead += size(name) + size(value);
  return { value: size(m.value), overhead };
}

/** The p-th percentile (nearest rank) of `samples`. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
