import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Json, NewEvent } from "../envelope.ts";
import {
  CheckpointConflictError,
  ConcurrencyError,
  IdempotencyConflictError,
  InvalidEventError,
  MultiStreamAppendUnsupportedError,
} from "../errors.ts";
import type { StreamWrite } from "../event-store.ts";
import { verifyChain } from "../hash-chain.ts";
import { runCatchUp } from "../kernel/subscription.ts";
import type { ContractHarness } from "./contract-harness.ts";

function event(
  type = "gov.test.thing.happened.v1",
  data: Json = { n: 1 },
  time = "2026-03-02T09:00:00.000+08:00",
): NewEvent {
  return { id: randomUUID(), type, source: "gov.test", time, data, actor: { id: "tester", role: "system" } };
}
const uid = () => randomUUID().slice(0, 8);

/**
 * The event store contract (docs/event-store-adapters.md): written once, run against every
 * adapter with a harness that gives each test a fresh store.
 */
export function describeEventStoreContract(
  adapterName: string,
  makeHarness: () => Promise<ContractHarness>,
): void {
  describe(`event store contract: ${adapterName}`, () => {
    let h: ContractHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await h.dispose();
    });

    it("lets exactly one of two writers racing on one stream win; the other gets ConcurrencyError", async () => {
      const s = `race-${uid()}`;
      await h.store.append(s, [event()], "no-stream");
      const results = await Promise.allSettled([
        h.store.append(s, [event()], 0),
        h.store.append(s, [event()], 0),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(failed.reason).toBeInstanceOf(ConcurrencyError);
      expect((await h.store.readStream(s)).map((e) => e.streamversion)).toEqual([0, 1]);
    });

    it("checks every kind of expected revision", async () => {
      const s = `rev-${uid()}`;
      await expect(h.store.append(s, [event()], "exists")).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(h.store.append(s, [event()], 0)).rejects.toBeInstanceOf(ConcurrencyError);
      expect((await h.store.append(s, [event(), event()], "no-stream")).nextExpectedRevision).toBe(1);
      await expect(h.store.append(s, [event()], "no-stream")).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(h.store.append(s, [event()], 0)).rejects.toBeInstanceOf(ConcurrencyError);
      expect((await h.store.append(s, [event()], 1)).nextExpectedRevision).toBe(2);
      expect((await h.store.append(s, [event()], "exists")).nextExpectedRevision).toBe(3);
      expect((await h.store.append(s, [event()], "any")).nextExpectedRevision).toBe(4);
    });

    it("is idempotent by event id; the same ids with other content are refused", async () => {
      const s = `idem-${uid()}`;
      const batch = [event(), event()];
      const first = await h.store.append(s, batch, "no-stream");
      const again = await h.store.append(s, batch, "no-stream");
      expect(again).toEqual(first);
      expect(await h.store.readStream(s)).toHaveLength(2);
      const changed = [{ ...(batch[0] as NewEvent), data: { n: 2 } }];
      await expect(h.store.append(s, changed, "any")).rejects.toBeInstanceOf(IdempotencyConflictError);
      await expect(h.store.append(`other-${uid()}`, [batch[0] as NewEvent], "any")).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      );
    });

    it("stores a batch all or nothing", async () => {
      const s = `atomic-${uid()}`;
      const bad = { ...event(), type: "" };
      await expect(h.store.append(s, [event(), event(), bad], "any")).rejects.toBeInstanceOf(
        InvalidEventError,
      );
      await h.store.append(s, [event()], "no-stream");
      await expect(h.store.append(s, [event(), event()], 5)).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await h.store.readStream(s)).toHaveLength(1);
    });

    it("appends to several streams all or nothing: one stream's revision conflict stores nothing anywhere", async () => {
      const tag = uid();
      const [a, b, c] = [`many-a${tag}`, `many-b${tag}`, `many-c${tag}`];
      await h.store.append(b, [event()], "no-stream");
      const writes = (bRevision: number): StreamWrite[] => [
        { streamId: a, events: [event(), event()], expectedRevision: "no-stream" },
        { streamId: b, events: [event()], expectedRevision: bRevision },
        { streamId: c, events: [event()], expectedRevision: "no-stream" },
      ];
      if (h.multiStreamAtomic === false) {
        await expect(h.store.appendMany(writes(0))).rejects.toBeInstanceOf(MultiStreamAppendUnsupportedError);
        expect(await h.store.streamMetadata(a)).toBeUndefined();
        expect(await h.store.readStream(b)).toHaveLength(1);
        const [one] = await h.store.appendMany([writes(0)[0] as StreamWrite]);
        expect(one?.nextExpectedRevision).toBe(1);
        return;
      }
      await expect(h.store.appendMany(writes(5))).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await h.store.streamMetadata(a)).toBeUndefined();
      expect(await h.store.streamMetadata(c)).toBeUndefined();
      expect(await h.store.readStream(b)).toHaveLength(1);
      const bad = writes(0);
      (bad[2] as StreamWrite).events = [{ ...event(), type: "" }];
      await expect(h.store.appendMany(bad)).rejects.toThrow(/writes\[2\]\.events\[0\]\.type/);
      expect(await h.store.streamMetadata(a)).toBeUndefined();

      const results = await h.store.appendMany(writes(0));
      expect(results.map((r) => r.nextExpectedRevision)).toEqual([1, 1, 0]);
      for (const s of [a, b, c]) expect(verifyChain(s, await h.store.readStream(s)).ok).toBe(true);
      const positions = results.flatMap((r) => r.positions);
      const logged = (await h.store.readAll({ limit: 1000 })).events.filter((e) =>
        positions.includes(e.position),
      );
      expect(logged.map((e) => e.subject)).toEqual([a, a, b, c]);
    });

    it("repeats a multi-stream append idempotently and refuses a changed or partial repeat", async () => {
      if (h.multiStreamAtomic === false) return; // refused above: nothing to repeat
      const tag = uid();
      const writes: StreamWrite[] = [
        { streamId: `rep-a${tag}`, events: [event(), event()], expectedRevision: "no-stream" },
        { streamId: `rep-b${tag}`, events: [event()], expectedRevision: "no-stream" },
      ];
      const first = await h.store.appendMany(writes);
      expect(await h.store.appendMany(writes)).toEqual(first);
      expect(await h.store.readStream(`rep-a${tag}`)).toHaveLength(2);
      const changed = [
        writes[0] as StreamWrite,
        {
          ...(writes[1] as StreamWrite),
          events: [{ ...(writes[1]?.events[0] as NewEvent), data: { n: 9 } }],
        },
      ];
      await expect(h.store.appendMany(changed)).rejects.toBeInstanceOf(IdempotencyConflictError);
      const partial: StreamWrite[] = [
        writes[0] as StreamWrite,
        { streamId: `rep-c${tag}`, events: [event()], expectedRevision: "no-stream" },
      ];
      await expect(h.store.appendMany(partial)).rejects.toBeInstanceOf(IdempotencyConflictError);
      expect(await h.store.streamMetadata(`rep-c${tag}`)).toBeUndefined();
      await expect(
        h.store.appendMany([
          { streamId: `rep-d${tag}`, events: [event()], expectedRevision: "any" },
          { streamId: `rep-d${tag}`, events: [event()], expectedRevision: "any" },
        ]),
      ).rejects.toThrow(/writes\[1\]\.streamId/);
    });

    it("lets exactly one of two multi-stream appends racing on the same streams win, with intact chains", async () => {
      if (h.multiStreamAtomic === false) return;
      const tag = uid();
      const [x, y] = [`duel-x${tag}`, `duel-y${tag}`];
      await h.store.appendMany([
        { streamId: x, events: [event()], expectedRevision: "no-stream" },
        { streamId: y, events: [event()], expectedRevision: "no-stream" },
      ]);
      const attempt = () =>
        h.store.appendMany([
          { streamId: x, events: [event()], expectedRevision: 0 },
          { streamId: y, events: [event()], expectedRevision: 0 },
        ]);
      const results = await Promise.allSettled([attempt(), attempt()]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toBeInstanceOf(
        ConcurrencyError,
      );
      for (const s of [x, y]) {
        const events = await h.store.readStream(s);
        expect(events).toHaveLength(2);
        expect(verifyChain(s, events).ok).toBe(true);
      }
    });

    it("commits concurrent appends to different streams together, yet each succeeds or fails alone", async () => {
      const tag = uid();
      const streams = Array.from({ length: 16 }, (_, i) => `group${tag}-${i}`);
      await Promise.all(streams.map((s) => h.store.append(s, [event()], "no-stream")));
      const other = await h.reopen();
      const settled = await Promise.allSettled(
        streams.map(async (s, i) => {
          const result = await h.store.append(s, [event()], i === 5 ? 7 : 0);
          // Acknowledged means committed: another handle (another process) reads it at once.
          expect(await other.store.readStream(s)).toHaveLength(2);
          return result;
        }),
      );
      const failed = settled.flatMap((r, i) => (r.status === "rejected" ? [[i, r.reason]] : []));
      expect(failed).toHaveLength(1);
      expect(failed[0]?.[0]).toBe(5);
      expect(failed[0]?.[1]).toBeInstanceOf(ConcurrencyError);
      for (const [i, s] of streams.entries()) {
        const events = await h.store.readStream(s);
        expect(events).toHaveLength(i === 5 ? 1 : 2);
        expect(verifyChain(s, events).ok).toBe(true);
      }
      // Bad input in one concurrent append is refused alone too.
      const mixed = await Promise.allSettled([
        h.store.append(`group${tag}-bad`, [{ ...event(), type: "" }], "any"),
        h.store.append(`group${tag}-good`, [event()], "no-stream"),
      ]);
      expect(mixed.map((r) => r.status)).toEqual(["rejected", "fulfilled"]);
    });

    it("keeps stream order and global order equal to append order across streams", async () => {
      const [a, b] = [`order-a${uid()}`, `order-b${uid()}`];
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const e = event("gov.test.thing.happened.v1", { i });
        ids.push(e.id);
        await h.store.append(i % 2 ? b : a, [e], "any");
      }
      const all = (await h.store.readAll({ limit: 1000 })).events.map((e) => e.id);
      expect(all.filter((id) => ids.includes(id))).toEqual(ids);
      expect((await h.store.readStream(a)).map((e) => e.data)).toEqual([{ i: 0 }, { i: 2 }, { i: 4 }]);
    });

    it("replays a stream up to a revision and up to a point in time", async () => {
      const s = `replay-${uid()}`;
      await h.store.append(
        s,
        [1, 2, 3].map((d) => event("gov.test.thing.happened.v1", { d }, `2026-03-0${d}T09:00:00.000+08:00`)),
        "no-stream",
      );
      expect((await h.store.readStream(s, { toRevision: 1 })).map((e) => e.data)).toEqual([
        { d: 1 },
        { d: 2 },
      ]);
      expect((await h.store.readStream(s, { fromRevision: 2 })).map((e) => e.data)).toEqual([{ d: 3 }]);
      expect(
        (await h.store.readStream(s, { untilTime: "2026-03-02T12:00:00+08:00" })).map((e) => e.data),
      ).toEqual([{ d: 1 }, { d: 2 }]);
    });

    it("filters the log by category and type and moves nextPosition past what it skipped", async () => {
      const tag = uid();
      await h.store.append(`alpha${tag}-1`, [event("gov.test.alpha.made.v1")], "any");
      await h.store.append(`beta${tag}-1`, [event("gov.test.beta.made.v1")], "any");
      const byCategory = await h.store.readAll({ filter: { categories: [`alpha${tag}`] }, limit: 1000 });
      expect(byCategory.events.map((e) => e.type)).toEqual(["gov.test.alpha.made.v1"]);
      const byType = await h.store.readAll({ filter: { types: ["gov.test.beta.made.v1"] }, limit: 1000 });
      expect(byType.events.map((e) => e.subject)).toEqual([`beta${tag}-1`]);
      expect(byCategory.endOfLog).toBe(true);
      const after = await h.store.readAll({
        after: byCategory.nextPosition as string,
        filter: { categories: [`alpha${tag}`] },
      });
      expect(after.events).toEqual([]);
    });

    it("pages through the log with a limit", async () => {
      const s = `page-${uid()}`;
      await h.store.append(
        s,
        [1, 2, 3, 4, 5].map((i) => event("gov.test.thing.happened.v1", { i })),
        "no-stream",
      );
      const seen: Json[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await h.store.readAll({
          ...(after ? { after } : {}),
          limit: 2,
          filter: { categories: ["page"] },
        });
        seen.push(...page.events.map((e) => e.data));
        if (page.endOfLog) break;
        after = page.nextPosition;
      }
      expect(seen).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }, { i: 4 }, { i: 5 }]);
    });

    it("pages a filtered read through a log mostly of other categories: every match, in order, within the limit", async () => {
      const tag = uid();
      let other = 0;
      const others = async (n: number) => {
        for (let from = 0; from < n; from += 500) {
          const batch = Array.from({ length: Math.min(500, n - from) }, () =>
            event("gov.test.noise.made.v1", { n: other++ }),
          );
          await h.store.append(`noise${tag}-${other}`, batch, "no-stream");
        }
      };
      for (let i = 0; i < 6; i++) {
        await h.store.append(`wanted${tag}-${i}`, [event("gov.test.wanted.made.v1", { i })], "no-stream");
        await others(i === 2 ? 6000 : 7);
      }
      const seen: Json[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 1000; pages++) {
        const page = await h.store.readAll({
          ...(after ? { after } : {}),
          limit: 2,
          filter: { categories: [`wanted${tag}`] },
        });
        expect(page.events.length).toBeLessThanOrEqual(2);
        seen.push(...page.events.map((e) => e.data));
        if (page.endOfLog) break;
        after = page.nextPosition;
      }
      expect(seen).toEqual([0, 1, 2, 3, 4, 5].map((i) => ({ i })));
    });

    it("resumes a checkpointed subscriber after a crash mid-batch: nothing lost, nothing applied twice", async () => {
      const s = `sub-${uid()}`;
      await h.store.append(
        s,
        Array.from({ length: 7 }, (_, i) => event("gov.test.thing.happened.v1", { i })),
        "no-stream",
      );
      const applied: number[] = [];
      const consume = async (
        store: ContractHarness["store"],
        checkpoints: ContractHarness["checkpoints"],
        crashAt?: number,
      ) => {
        const controller = new AbortController();
        await runCatchUp({
          store,
          checkpoints,
          subscriberId: `contract-${s}`,
          filter: { categories: ["sub"] },
          batchSize: 3,
          idleWaitMs: 20,
          signal: controller.signal,
          onCaughtUp: () => controller.abort(),
          handle: (events) => {
            // The effect and its record commit per page: a page that crashes part-way is rolled back.
            const page: number[] = [];
            for (const e of events) {
              if (crashAt !== undefined && applied.length + page.length === crashAt) throw new Error("crash");
              page.push((e.data as { i: number }).i);
            }
            applied.push(...page);
          },
        });
      };
      await expect(consume(h.store, h.checkpoints, 4)).rejects.toThrow("crash");
      expect(applied).toEqual([0, 1, 2]);
      const second = await h.reopen();
      await consume(second.store, second.checkpoints);
      expect(applied).toEqual([0, 1, 2, 3, 4, 5, 6]);
    });

    it("never lets a later position be read before an earlier one commits", async () => {
      const s = `gap-${uid()}`;
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => h.store.append(`${s}-${i}`, [event()], "no-stream")),
      );
      const read = (await h.store.readAll({ filter: { categories: ["gap"] }, limit: 1000 })).events;
      expect(read).toHaveLength(10);
      if (!h.concurrentTransactions) {
        // One writer at a time (SQLite: BEGIN IMMEDIATE), so positions are assigned and committed in order.
        const positions = read.map((e) => BigInt(e.position));
        expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
      }
    });

    it("verifies the hash chain and names the stream and revision of an altered or removed event", async () => {
      const s = `chain-${uid()}`;
      await h.store.append(s, [event(), event(), event()], "no-stream");
      expect(verifyChain(s, await h.store.readStream(s))).toMatchObject({ ok: true, events: 3 });
      await h.tamper.alterData(s, 1, { n: 999 });
      expect(verifyChain(s, await h.store.readStream(s))).toMatchObject({
        ok: false,
        streamId: s,
        revision: 1,
        reason: "hash-mismatch",
      });
      if (h.tamper.remove) {
        const t = `chain2-${uid()}`;
        await h.store.append(t, [event(), event(), event()], "no-stream");
        await h.tamper.remove(t, 1);
        expect(verifyChain(t, await h.store.readStream(t))).toMatchObject({
          ok: false,
          streamId: t,
          revision: 1,
        });
      }
    });

    it("keeps an event's traceparent (CloudEvents distributed tracing) outside its hash: stored, read back, a retry with another trace is the same event", async () => {
      const s = `trace-${uid()}`;
      const traced = { ...event(), traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
      const plain = event();
      const first = await h.store.append(s, [traced, plain], "no-stream");
      const stored = await h.store.readStream(s);
      expect(stored[0]?.traceparent).toBe(traced.traceparent);
      expect(stored[1]).not.toHaveProperty("traceparent");
      expect(verifyChain(s, stored)).toMatchObject({ ok: true, events: 2 });
      // The same event from another request's try: another trace, same content, same result.
      const retried = { ...traced, traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" };
      expect(await h.store.append(s, [retried, plain], "no-stream")).toEqual(first);
      expect(await h.store.readStream(s)).toHaveLength(2);
      await expect(h.store.append(s, [{ ...event(), traceparent: "not-a-trace" }], "any")).rejects.toThrow(
        /traceparent/,
      );
    });

    it("rejects bad input naming the field, and stores nothing", async () => {
      const s = `bad-${uid()}`;
      const cases: [NewEvent[], RegExp][] = [
        [[{ ...event(), type: "" }], /type/],
        [[{ ...event(), data: { f: (() => 1) as unknown as Json } }], /data\.f/],
        [[{ ...event(), data: { big: 1n as unknown as Json } }], /data\.big/],
        [[{ ...event(), data: { n: Number.NaN } }], /data\.n/],
        [[event("gov.test.thing.happened.v1", { blob: "x".repeat(300 * 1024) })], /events\[0\]/],
      ];
      for (const [events, field] of cases) {
        await expect(h.store.append(s, events, "any")).rejects.toThrow(field);
      }
      await expect(h.store.append("bad stream id!", [event()], "any")).rejects.toBeInstanceOf(
        InvalidEventError,
      );
      const e = event();
      await expect(h.store.append(s, [e, e], "any")).rejects.toBeInstanceOf(InvalidEventError);
      expect(await h.store.streamMetadata(s)).toBeUndefined();
      expect(await h.store.readStream(s)).toEqual([]);
    });

    it("soft-deletes a stream and reports its metadata", async () => {
      const s = `meta-${uid()}`;
      await h.store.append(s, [event(), event()], "no-stream");
      expect(await h.store.streamMetadata(s)).toEqual({
        category: "meta",
        softDeleted: false,
        lastRevision: 1,
      });
      await h.store.softDeleteStream(s);
      expect((await h.store.streamMetadata(s))?.softDeleted).toBe(true);
    });

    it("moves a checkpoint only by compare-and-set", async () => {
      const id = `cp-${uid()}`;
      await h.checkpoints.store(id, "a", undefined);
      await expect(h.checkpoints.store(id, "b", undefined)).rejects.toBeInstanceOf(CheckpointConflictError);
      await expect(h.checkpoints.store(id, "b", "x")).rejects.toBeInstanceOf(CheckpointConflictError);
      await h.checkpoints.store(id, "b", "a");
      expect(await h.checkpoints.load(id)).toBe("b");
    });
  });
}
