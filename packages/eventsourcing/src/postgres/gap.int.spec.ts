import { useBackend } from "@gov/testing";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { RecordedEvent } from "../envelope.ts";
import type { PostgresEventStore } from "./postgres-event-store.ts";
import {
  dropSchema,
  freshSchema,
  newEvent,
  openTestStore,
  probePostgres,
  testPoolConfig,
} from "./test-support.ts";

// The "gap" problem (docs/event-store.md): two real transactions in a chosen interleaving, driven through
// the adapter's own append path, and a reader that must never pass the slower one's events.

const run = useBackend("postgres", "eventsourcing/postgres gap", await probePostgres());

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Reads from `after` like a subscriber until `count` events arrived (other test files' open transactions
 * can hold the cluster-wide horizon back for a moment, so it waits rather than reading once).
 */
async function readUntil(store: PostgresEventStore, after: string | undefined, count: number) {
  const events: RecordedEvent[] = [];
  let position = after;
  const deadline = Date.now() + 10_000;
  while (events.length < count && Date.now() < deadline) {
    const page = await store.readAll(position === undefined ? {} : { after: position });
    events.push(...page.events);
    position = page.nextPosition ?? position;
    if (page.endOfLog && events.length < count) await store.waitForAppend(50);
  }
  return { events, position };
}

describe.skipIf(!run)("PostgreSQL readAll under interleaved transactions", () => {
  // Each test gets its own empty store, so that every read starts at the beginning of the log.
  let schema: string;
  let store: PostgresEventStore;
  let raw: pg.Pool;

  beforeAll(() => {
    raw = new pg.Pool({ ...testPoolConfig(), max: 2 });
  });
  afterAll(async () => {
    await raw?.end();
  });
  beforeEach(async () => {
    schema = freshSchema("es_gap");
    store = await openTestStore(schema, { horizonWaitMs: 0 });
  });
  afterEach(async () => {
    await store?.close();
    await dropSchema(schema);
  });

  /** What a reader following positions alone would see now: the visible events in position order. */
  async function positionOrder(): Promise<string[]> {
    const result = await raw.query<{ event_id: string }>(
      `SELECT event_id::text FROM "${schema}".events ORDER BY position`,
    );
    return result.rows.map((row) => row.event_id);
  }

  test("T1 takes the lower position, T2 commits first: the reader waits for T1, then gets both in order", async () => {
    const slow = newEvent("gov.test.slow.v1");
    const fast = newEvent("gov.test.fast.v1");
    const slowAppended = deferred<string>();
    const commitSlow = deferred();

    // T1 begins, appends through the adapter, and stays open.
    const t1 = store.transaction(async (tx) => {
      const result = await tx.append("gap-slow", [slow], "no-stream");
      slowAppended.resolve(result.positions[0] as string);
      await commitSlow.promise;
    });
    const slowPosition = await slowAppended.promise;

    // T2 appends and commits while T1 is open: a higher sequence number, visible first.
    const fastResult = await store.append("gap-fast", [fast], "no-stream");
    expect(sequenceOf(slowPosition)).toBeLessThan(sequenceOf(fastResult.positions[0] as string));
    // The hole is real: by position alone, T2's event is all there is, so a position-only reader would
    // checkpoint past T1's lower position and never see it.
    expect(await positionOrder()).toEqual([fast.id]);

    const during = await store.readAll();
    expect(during.events.map((e) => e.id)).not.toContain(fast.id);
    expect(during.events).toEqual([]);
    expect(during.nextPosition).toBeUndefined();
    expect(during.endOfLog).toBe(true);

    commitSlow.resolve();
    await t1;
    const after = await readUntil(store, during.nextPosition, 2);
    expect(after.events.map((e) => e.id)).toEqual([slow.id, fast.id]);
    expect(await positionOrder()).toEqual([slow.id, fast.id]);
    const again = await store.readAll(after.position === undefined ? {} : { after: after.position });
    expect(again.events).toEqual([]);
  });

  test("T1 gets its transaction id first but inserts last: the log orders by transaction, and a checkpointed subscriber skips nothing", async () => {
    const subscriber = "gap-subscriber";
    const early = newEvent("gov.test.early-xid.v1");
    const late = newEvent("gov.test.late-xid.v1");
    const t1HasXid = deferred();
    const t1Insert = deferred();
    const t1Appended = deferred();
    const t1Commit = deferred();

    const t1 = store.transaction(async (tx) => {
      // A projection's own write (here just taking the transaction id) before its append.
      await tx.client.query("SELECT pg_current_xact_id()");
      t1HasXid.resolve();
      await t1Insert.promise;
      await tx.append("gap-early-xid", [early], "no-stream");
      t1Appended.resolve();
      await t1Commit.promise;
    });
    await t1HasXid.promise;

    // T2 (younger transaction) inserts first, so it has the lower sequence number, and stays open.
    const t2Commit = deferred();
    const t2Appended = deferred<string>();
    const t2 = store.transaction(async (tx) => {
      const result = await tx.append("gap-late-xid", [late], "no-stream");
      t2Appended.resolve(result.positions[0] as string);
      await t2Commit.promise;
    });
    const latePosition = await t2Appended.promise;
    t1Insert.resolve();
    await t1Appended.promise;

    // T2 commits first; the subscriber polls, must see nothing, and keeps its checkpoint.
    t2Commit.resolve();
    await t2;
    expect(await positionOrder()).toEqual([late.id]);
    const checkpoint = await store.checkpoints.load(subscriber);
    const during = await store.readAll(checkpoint === undefined ? {} : { after: checkpoint });
    expect(during.events).toEqual([]);
    expect(during.nextPosition).toBe(checkpoint);

    t1Commit.resolve();
    await t1;
    const after = await readUntil(store, checkpoint, 2);
    // Transaction order: T1 (older id) first although its sequence number is higher.
    expect(after.events.map((e) => e.id)).toEqual([early.id, late.id]);
    expect(sequenceOf(after.events[0]?.position as string)).toBeGreaterThan(sequenceOf(latePosition));
    if (after.position !== undefined) await store.checkpoints.store(subscriber, after.position, checkpoint);
    const resumed = await store.readAll({ after: (await store.checkpoints.load(subscriber)) as string });
    expect(resumed.events).toEqual([]);
  });

  test("the price: an open writing transaction anywhere holds readers back until it ends", async () => {
    const blocker = await raw.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("SELECT pg_current_xact_id()"); // any write would do: it holds an xid
      const event = newEvent("gov.test.held-back.v1");
      await store.append("gap-held", [event], "no-stream");
      const held = await store.readAll();
      expect(held.events).toEqual([]);
      await blocker.query("COMMIT");
      const released = await readUntil(store, undefined, 1);
      expect(released.events.map((e) => e.id)).toEqual([event.id]);
    } finally {
      blocker.release();
    }
  });
});

function sequenceOf(position: string): number {
  return Number(position.split(":")[1]);
}
