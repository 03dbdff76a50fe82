import { useBackend } from "@gov/testing";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { PostgresEventStore } from "./postgres-event-store.ts";
import { sqlNames } from "./sql-names.ts";
import {
  dropSchema,
  freshSchema,
  newEvent,
  openTestStore,
  probePostgres,
  settlesWithin,
  testPoolConfig,
} from "./test-support.ts";

// Append → subscriber latency: a subscriber is busy between two waits (reading, publishing); what happens
// meanwhile must not leave it asleep until the next append or its timeout (docs/messaging.md, latency).

const run = useBackend("postgres", "eventsourcing/postgres append listener", await probePostgres());

/** How long `waitForAppend(5000, signal)` takes; the tests expect far less than the 5 s timeout. */
async function waitTook(store: PostgresEventStore, signal: AbortSignal): Promise<number> {
  const started = performance.now();
  await store.waitForAppend(5000, signal);
  return performance.now() - started;
}

describe.skipIf(!run)("PostgreSQL append listener", () => {
  let schema: string;
  let store: PostgresEventStore;
  let raw: pg.Pool;
  let subscriber: AbortController;

  beforeAll(() => {
    raw = new pg.Pool({ ...testPoolConfig(), max: 2 });
  });
  afterAll(async () => {
    await raw?.end();
  });
  beforeEach(async () => {
    schema = freshSchema("es_listen");
    store = await openTestStore(schema, { horizonWaitMs: 50 });
    subscriber = new AbortController();
    // The subscriber's first wait returns at once and opens the listener; the second returns once LISTEN is in
    // place (every waiter is woken then), so the tests start with the listener connected.
    await store.waitForAppend(60_000, subscriber.signal);
    expect(await settlesWithin(store.waitForAppend(60_000, subscriber.signal), 30_000)).toBe(true);
  });
  afterEach(async () => {
    subscriber.abort();
    await store?.close();
    await dropSchema(schema);
  });

  test("a new subscriber's first wait returns at once, and its next wait ends when LISTEN takes effect (an append before then notified nobody)", async () => {
    // Another process's store on the same schema, with its listener not yet connected.
    const late = await openTestStore(schema, { horizonWaitMs: 50 });
    const own = new AbortController();
    try {
      // Long timeouts: only the rules above can end these waits before the deadlines.
      expect(
        await settlesWithin(late.waitForAppend(120_000, own.signal, { categories: ["quiet"] }), 30_000),
      ).toBe(true);
      // The subscriber read the log; an append may land before the listener's LISTEN does. No other follows.
      await store.append(`quiet-${schema}`, [newEvent()], "no-stream");
      expect(
        await settlesWithin(late.waitForAppend(120_000, own.signal, { categories: ["quiet"] }), 30_000),
      ).toBe(true);
    } finally {
      own.abort();
      await late.close();
    }
  });

  test("an append committed while the subscriber was busy wakes its next wait at once", async () => {
    // The subscriber is reading/publishing (not waiting) while this append commits and its NOTIFY arrives.
    await store.append("busy-1", [newEvent()], "no-stream");
    await expect
      .poll(async () => (await store.readAll()).events.some((e) => e.subject === "busy-1"))
      .toBe(true);
    expect(await waitTook(store, subscriber.signal)).toBeLessThan(1000);
    // Woken once for it: the next wait sleeps again until an append (or here, the abort).
    const next = waitTook(store, subscriber.signal);
    setTimeout(() => subscriber.abort(), 300);
    expect(await next).toBeGreaterThanOrEqual(250);
  });

  test("a read that left committed events behind the horizon makes the next wait short, not until the next append", async () => {
    // An older writing transaction in this database holds the horizon.
    const blocker = await raw.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("SELECT pg_current_xact_id()");
      const appended = await store.append("held-1", [newEvent()], "no-stream");
      const page = await store.readAll();
      expect(page.events.map((e) => e.position)).not.toContain(appended.positions[0]);
      // Its NOTIFY came before the read; the horizon passes only now, with no append after it.
      await blocker.query("COMMIT");
    } finally {
      blocker.release();
    }
    expect(await waitTook(store, subscriber.signal)).toBeLessThan(1000);
    expect((await store.readAll()).events.some((e) => e.subject === "held-1")).toBe(true);
  });

  /** "woke" if `wait` has resolved by the next turn of the event loop, else "asleep". */
  const state = (wait: Promise<void>) =>
    Promise.race([
      wait.then(() => "woke" as const),
      new Promise<"asleep">((r) => setImmediate(() => r("asleep"))),
    ]);

  test("a waiter for some categories sleeps through another category's append and wakes for its own (the NOTIFY names the category, migration 4)", async () => {
    const alpha = new AbortController();
    await store.waitForAppend(60_000, alpha.signal, { categories: ["alpha"] }); // a first wait returns at once
    const filtered = store.waitForAppend(60_000, alpha.signal, { categories: ["alpha"] });
    // An unfiltered waiter, woken by the same notification: once it has woken, the notification has been seen.
    const any = store.waitForAppend(60_000);
    await store.append("beta-1", [newEvent()], "no-stream");
    await any;
    expect(await state(filtered)).toBe("asleep");
    // An append of its category through `append_group()` (two streams in one write) wakes it, and the
    // notification names the category, once (PostgreSQL folds the repeat).
    const listener = new pg.Client(testPoolConfig());
    await listener.connect();
    const payloads: string[] = [];
    listener.on("notification", (m) => payloads.push(m.payload ?? ""));
    await listener.query(`LISTEN "${sqlNames(schema).channel}"`);
    try {
      await store.appendMany([
        { streamId: "alpha-1", events: [newEvent()], expectedRevision: "no-stream" },
        { streamId: "alpha-2", events: [newEvent()], expectedRevision: "no-stream" },
      ]);
      await filtered;
      await expect.poll(() => payloads).toEqual(["alpha"]);
    } finally {
      await listener.end();
    }
    // And its next wait does not return at once for the beta append it slept through.
    const again = store.waitForAppend(60_000, alpha.signal, { categories: ["alpha"] });
    expect(await state(again)).toBe("asleep");
    alpha.abort();
    await again;
  });

  test("a single-stream append (`append_events()`) wakes the waiters of its category", async () => {
    const gamma = new AbortController();
    await store.waitForAppend(60_000, gamma.signal, { categories: ["gamma"] }); // a first wait returns at once
    const filtered = store.waitForAppend(60_000, gamma.signal, { categories: ["gamma"] });
    await store.append("gamma-1", [newEvent()], "no-stream");
    await filtered;
    gamma.abort();
  });

  test("a notification without a category (a schema before version 4, or a dropped listener) wakes every waiter", async () => {
    const alpha = new AbortController();
    await store.waitForAppend(60_000, alpha.signal, { categories: ["alpha"] }); // a first wait returns at once
    const filtered = store.waitForAppend(60_000, alpha.signal, { categories: ["alpha"] });
    await raw.query("SELECT pg_notify($1, '')", [sqlNames(schema).channel]);
    await filtered;
    alpha.abort();
  });
});
