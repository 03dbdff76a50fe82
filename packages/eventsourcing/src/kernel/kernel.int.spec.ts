import { useBackend } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConcurrencyError, IdempotencyConflictError } from "../errors.ts";
import type { PostgresEventStore } from "../postgres/postgres-event-store.ts";
import { dropSchema, freshSchema, openTestStore, probePostgres } from "../postgres/test-support.ts";
import { handleCommand } from "./command-handler.ts";
import type { Decider } from "./decider.ts";
import { type EventMetadata, EventTypes } from "./event-types.ts";
import { nameBasedUuid } from "./ids.ts";
import { runCatchUp } from "./subscription.ts";

// A tiny counter aggregate, enough to exercise the kernel against a real store.
type Ev = { type: "Added"; data: { by: number } } | { type: "Closed"; data: { total: number } };
type Cmd = { type: "Add"; by: number } | { type: "Close" };
type St = { total: number; closed: boolean };
const counter: Decider<Cmd, Ev, St> = {
  initialState: () => ({ total: 0, closed: false }),
  evolve: (s, e) => (e.type === "Added" ? { ...s, total: s.total + e.data.by } : { ...s, closed: true }),
  decide: (c, s) => {
    if (s.closed) throw new Error("closed");
    return c.type === "Add"
      ? [{ type: "Added", data: { by: c.by } }]
      : [{ type: "Closed", data: { total: s.total } }];
  },
};
const types = new EventTypes<Ev>(
  { Added: "gov.test.counter.added.v2", Closed: "gov.test.counter.closed.v1" },
  {
    // v1 stored `amount`; v2 calls it `by`. Stored events are never rewritten.
    upcasters: {
      "gov.test.counter.added.v1": (d) => ({
        type: "gov.test.counter.added.v2",
        data: { by: (d as { amount: number }).amount },
      }),
    },
  },
);
const meta: EventMetadata = {
  source: "gov.test",
  time: "2026-03-02T09:00:00+08:00",
  actor: { id: "t", role: "system" },
};

const available = await probePostgres();
const run = useBackend("postgres", "event-sourcing kernel (postgres)", available);
const schema = freshSchema("kernel");
let store: PostgresEventStore;

describe.skipIf(!run)("kernel: command handler and catch-up subscription on a real store", () => {
  beforeAll(async () => {
    store = await openTestStore(schema);
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(schema);
  });

  it("loads, decides and appends with the expected revision", async () => {
    const h = (by: number) =>
      handleCommand({
        store,
        streamId: "counter-a",
        decider: counter,
        types,
        command: { type: "Add", by },
        metadata: meta,
      });
    expect((await h(2)).nextExpectedRevision).toBe(0);
    const second = await h(3);
    expect(second.state.total).toBe(5);
    expect((await store.readStream("counter-a")).map((e) => e.type)).toEqual([
      "gov.test.counter.added.v2",
      "gov.test.counter.added.v2",
    ]);
  });

  it("reports a lost race as ConcurrencyError, or retries when asked", async () => {
    const cmd = { type: "Add" as const, by: 1 };
    const both = await Promise.allSettled([
      handleCommand({ store, streamId: "counter-b", decider: counter, types, command: cmd, metadata: meta }),
      handleCommand({ store, streamId: "counter-b", decider: counter, types, command: cmd, metadata: meta }),
    ]);
    const rejected = both.filter((r) => r.status === "rejected");
    expect(rejected.length).toBeLessThanOrEqual(1);
    for (const r of rejected) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
    const retried = await Promise.all(
      [1, 2, 3].map(() =>
        handleCommand({
          store,
          streamId: "counter-c",
          decider: counter,
          types,
          command: cmd,
          metadata: meta,
          retriesOnConflict: 5,
        }),
      ),
    );
    expect(retried).toHaveLength(3);
    expect((await store.readStream("counter-c")).length).toBe(3);
  });

  it("replays the first result for a repeated Idempotency-Key and refuses it for a different command", async () => {
    const opts = {
      store,
      streamId: "counter-d",
      decider: counter,
      types,
      metadata: meta,
      ids: { idempotencyKey: "k-1" },
    };
    const first = await handleCommand({ ...opts, command: { type: "Add", by: 4 } });
    await handleCommand({
      store,
      streamId: "counter-d",
      decider: counter,
      types,
      metadata: meta,
      command: { type: "Add", by: 1 },
    });
    const again = await handleCommand({ ...opts, command: { type: "Add", by: 4 } });
    expect(again.replayed).toBe(true);
    expect(again.events).toEqual(first.events);
    expect((await store.readStream("counter-d")).length).toBe(2);
    await expect(handleCommand({ ...opts, command: { type: "Add", by: 9 } })).rejects.toBeInstanceOf(
      IdempotencyConflictError,
    );
  });

  it("derives reaction event ids from the causing event, so a redelivery appends nothing", async () => {
    const opts = {
      store,
      streamId: "counter-e",
      decider: counter,
      types,
      metadata: meta,
      ids: { causationEventId: "evt-1" },
    };
    await handleCommand({ ...opts, command: { type: "Add", by: 1 } });
    const redelivered = await handleCommand({ ...opts, command: { type: "Add", by: 1 } });
    expect(redelivered.replayed).toBe(true);
    expect((await store.readStream("counter-e")).map((e) => e.id)).toEqual([
      nameBasedUuid("caused-by:evt-1:counter-e:0"),
    ]);
  });

  // A decider that stamps its events with the command's time (as every real one does: openedAt, decidedAt).
  type StampCmd = { type: "Stamp"; note: string; metadata: { now: string } };
  type StampEv = { type: "Stamped"; data: { note: string; at: string } };
  const stamp: Decider<StampCmd, StampEv, number> = {
    initialState: () => 0,
    evolve: (n) => n + 1,
    decide: (c) => [{ type: "Stamped", data: { note: c.note, at: c.metadata.now } }],
  };
  const stampTypes = new EventTypes<StampEv>({ Stamped: "gov.test.stamp.stamped.v1" });
  const stampAt = (
    streamId: string,
    note: string,
    now: string,
    ids: { idempotencyKey: string } | { causationEventId: string },
  ) =>
    handleCommand({
      store,
      streamId,
      decider: stamp,
      types: stampTypes,
      command: { type: "Stamp", note, metadata: { now } },
      metadata: { ...meta, time: now },
      ids,
    });

  it("a client's retry with the same Idempotency-Key a minute later replays the first result (decided at the first moment)", async () => {
    const first = await stampAt("stamp-a", "x", "2026-03-02T09:00:00.000+08:00", { idempotencyKey: "s-1" });
    const later = await stampAt("stamp-a", "x", "2026-03-02T09:01:00.000+08:00", { idempotencyKey: "s-1" });
    expect(later.replayed).toBe(true);
    expect(later.events).toEqual(first.events);
    expect((await store.readStream("stamp-a")).length).toBe(1);
    await expect(
      stampAt("stamp-a", "y", "2026-03-02T09:02:00.000+08:00", { idempotencyKey: "s-1" }),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
  });

  it("a redelivered event after a restart answers from the store, even when the reaction's clock and inputs moved on", async () => {
    const first = await stampAt("stamp-b", "credit: normal", "2026-03-02T09:00:00.000+08:00", {
      causationEventId: "evt-b",
    });
    // The restarted reaction sees a later clock and a local copy that has not caught up: a different command.
    const again = await stampAt("stamp-b", "credit: unknown", "2026-03-02T10:00:00.000+08:00", {
      causationEventId: "evt-b",
    });
    expect(again.replayed).toBe(true);
    expect(again.events).toEqual(first.events);
    expect(again.state).toBe(1);
    expect((await store.readStream("stamp-b")).length).toBe(1);
  });

  it("upcasts an old stored event when folding, without rewriting it", async () => {
    await store.append(
      "counter-f",
      [
        {
          id: nameBasedUuid("old-f"),
          type: "gov.test.counter.added.v1",
          source: "gov.test",
          time: meta.time,
          actor: meta.actor,
          data: { amount: 7 },
        },
      ],
      "no-stream",
    );
    const r = await handleCommand({
      store,
      streamId: "counter-f",
      decider: counter,
      types,
      command: { type: "Close" },
      metadata: meta,
    });
    expect(r.events).toEqual([{ type: "Closed", data: { total: 7 } }]);
    expect((await store.readStream("counter-f"))[0]?.type).toBe("gov.test.counter.added.v1");
  });

  it("catch-up delivers every event in log order and resumes from its checkpoint without repeats", async () => {
    const seen: string[] = [];
    const run = async (stopAfter: number) => {
      const controller = new AbortController();
      await runCatchUp({
        store,
        checkpoints: store.checkpoints,
        subscriberId: "kernel-test",
        filter: { categories: ["counter"] },
        batchSize: 2,
        idleWaitMs: 50,
        signal: controller.signal,
        handle: (events) => {
          for (const e of events) seen.push(e.id);
          if (seen.length >= stopAfter) controller.abort();
        },
        onCaughtUp: () => controller.abort(),
      });
    };
    await run(3);
    const firstRun = seen.length;
    await run(Number.POSITIVE_INFINITY);
    const all = (await store.readAll({ filter: { categories: ["counter"] }, limit: 1000 })).events.map(
      (e) => e.id,
    );
    expect(firstRun).toBeLessThan(all.length);
    expect(seen).toEqual(all);
  });
});
