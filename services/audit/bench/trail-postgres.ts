import type { RecordedEvent } from "@gov/eventsourcing";
import { startProjection } from "@gov/eventsourcing/projections";
import { postgresProjectionTestBed, probePostgres } from "@gov/eventsourcing/testing/postgres";
import { trailProjection } from "../src/read-models/trail.ts";

/**
 * The trail's catch-up from empty on PostgreSQL (the audit service of distributed mode), over a copy of `events`
 * in fresh schemas: events/s, or why it was not measured. On PostgreSQL every statement is a round trip, which is
 * what the trail's page-at-a-time inserts are for.
 */
export async function postgresCatchUp(events: readonly RecordedEvent[]): Promise<string> {
  const probe = await probePostgres();
  if (probe !== true) return `not measured (${probe.reason})`;
  const { store, db, dispose } = await postgresProjectionTestBed("audit_bench");
  try {
    const byStream = new Map<string, RecordedEvent[]>();
    for (const e of events) byStream.set(e.subject, [...(byStream.get(e.subject) ?? []), e]);
    for (const [stream, list] of byStream) {
      for (let i = 0; i < list.length; i += 100) {
        const page = list.slice(i, i + 100).map((e) => ({
          id: e.id,
          type: e.type,
          source: e.source,
          time: e.time,
          data: e.data,
          actor: e.actor,
          ...(e.caseid === undefined ? {} : { caseid: e.caseid }),
        }));
        await store.append(stream, page, "any");
      }
    }
    const head = (await store.readAll({ limit: 10_000_000 })).events.at(-1)?.position as string;
    const started = performance.now();
    const projection = await startProjection(store, db, trailProjection, { idleWaitMs: 20 });
    if (!(await projection.waitFor(head, 600_000))) throw new Error("trail did not catch up on PostgreSQL");
    const rate = Math.round(events.length / ((performance.now() - started) / 1000));
    await projection.close();
    return String(rate);
  } finally {
    await dispose();
  }
}
