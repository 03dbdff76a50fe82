import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { type EventStore, hashEvent, type Json, type NewEvent } from "@gov/eventsourcing";
import { tempDir } from "@gov/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { BusEvent, EventBus, EventHandler } from "../event-bus.ts";
import { sqliteInbox } from "../inbox/sqlite-inbox.ts";

/** What the behavioural suite needs from a bus: the store events are appended to, and the bus they arrive on. */
export interface BusHarness {
  store: EventStore;
  bus: EventBus;
  dispose(): Promise<void>;
}

const uid = () => randomUUID().replaceAll("-", "").slice(0, 10);
const WAIT = { timeout: 60_000, interval: 50 };

export function newEvent(data: Json, caseid?: string): NewEvent {
  return {
    id: randomUUID(),
    type: "gov.test.thing.happened.v1",
    source: "gov.test",
    time: new Date().toISOString(),
    data,
    actor: { id: "tester", role: "officer", department: "D001" },
    ...(caseid ? { caseid } : {}),
  };
}

/** A unique category per test keeps tests apart (own topic `gov.test.<category>.v1`). */
function scope() {
  const category = `t${uid()}`;
  return { category, topic: `gov.test.${category}.v1`, stream: (id: string) => `${category}-${id}` };
}

/**
 * The behaviour every EventBus adapter must show (the messaging issue): written once, run against Kafka (with
 * the relay feeding it from the store) and against the embedded bus.
 */
export function describeEventBusContract(name: string, makeHarness: () => Promise<BusHarness>) {
  describe(`event bus contract: ${name}`, () => {
    let h: BusHarness;
    beforeAll(async () => {
      h = await makeHarness();
    });
    afterAll(async () => {
      await h?.dispose();
    });

    it("delivers the whole envelope: CloudEvents attributes, extensions and a hash that still verifies", async () => {
      const s = scope();
      const events = [newEvent({ n: 1, text: "食品经营许可" }, "case-1"), newEvent({ n: 2 }, "case-1")];
      await h.store.append(s.stream("a"), events, "no-stream");
      const got: BusEvent[] = [];
      const sub = await h.bus.subscribe({
        groupId: `g-${uid()}`,
        topics: [s.topic],
        handle: (e) => void got.push(e),
      });
      await vi.waitFor(() => expect(got).toHaveLength(2), WAIT);
      await sub.stop();
      const stored = await h.store.readStream(s.stream("a"));
      for (const [i, e] of got.entries()) {
        const { position: _p, ...expected } = stored[i] as NonNullable<(typeof stored)[number]>;
        const { position: _q, ...actual } = e;
        expect(actual).toEqual(expected);
        expect(hashEvent(e)).toBe(e.hash);
      }
    });

    it("keeps one case's events in order while cases are spread over partitions", async () => {
      const s = scope();
      const cases = ["c1", "c2", "c3", "c4", "c5"];
      const revisions: Record<string, number> = {};
      for (let i = 0; i < 20; i++) {
        for (const c of cases) {
          await h.store.append(
            s.stream(c),
            [newEvent({ i }, `${s.category}-${c}`)],
            revisions[c] ?? "no-stream",
          );
          revisions[c] = i;
        }
      }
      const seen = new Map<string, number[]>();
      const sub = await h.bus.subscribe({
        groupId: `g-${uid()}`,
        topics: [s.topic],
        handle: (e) => {
          const list = seen.get(e.caseid as string) ?? [];
          list.push((e.data as { i: number }).i);
          seen.set(e.caseid as string, list);
        },
      });
      await vi.waitFor(() => expect([...seen.values()].flat()).toHaveLength(100), WAIT);
      await sub.stop();
      for (const list of seen.values()) expect(list).toEqual([...Array(20).keys()]);
    });

    it("sends a poison event to the dead letters after its retries, keeps the rest flowing, and replays it later", async () => {
      const s = scope();
      const groupId = `g-${uid()}`;
      const events = Array.from({ length: 10 }, (_, i) => newEvent({ i, poison: i === 4 }, `case-${i % 3}`));
      await h.store.append(s.stream("p"), events, "no-stream");
      const handled: number[] = [];
      let tries = 0;
      const handle: EventHandler = (e) => {
        const d = e.data as { i: number; poison: boolean };
        if (d.poison) {
          tries++;
          throw new Error(`cannot handle event ${d.i}`);
        }
        handled.push(d.i);
      };
      const sub = await h.bus.subscribe({
        groupId,
        topics: [s.topic],
        handle,
        maxAttempts: 3,
        initialBackoffMs: 10,
      });
      await vi.waitFor(async () => {
        expect(handled).toHaveLength(9);
        expect(await h.bus.deadLetters(groupId)).toHaveLength(1);
      }, WAIT);
      await sub.stop();
      expect(tries).toBe(3);
      const [letter] = await h.bus.deadLetters(groupId);
      expect(letter?.event.id).toBe(events[4]?.id);
      expect(letter?.error).toContain("cannot handle event 4");
      expect(letter?.attempts).toBe(3);
      // Still failing: it stays a dead letter.
      expect(await h.bus.replayDeadLetters(groupId, handle)).toEqual({ replayed: 0, remaining: 1 });
      // After the fix: replayed once, then gone.
      const fixed: string[] = [];
      expect(await h.bus.replayDeadLetters(groupId, (e) => void fixed.push(e.id))).toEqual({
        replayed: 1,
        remaining: 0,
      });
      expect(fixed).toEqual([events[4]?.id]);
      expect(await h.bus.deadLetters(groupId)).toEqual([]);
    });

    it("a running subscription counts its group's dead letters and replays them through its own handler, once", async () => {
      const s = scope();
      const groupId = `g-${uid()}`;
      const events = [newEvent({ i: 0 }, "case-0"), newEvent({ i: 1 }, "case-1")];
      let broken = true;
      const handled: string[] = [];
      const sub = await h.bus.subscribe({
        groupId,
        topics: [s.topic],
        maxAttempts: 2,
        initialBackoffMs: 10,
        handle: (e) => {
          if (broken) throw new Error("the copy it needs has not arrived");
          handled.push(e.id);
        },
      });
      expect(sub.ephemeral).toBe(false);
      expect(await sub.deadLetterCount()).toBe(0);
      await h.store.append(s.stream("dl"), events, "no-stream");
      await vi.waitFor(async () => expect(await sub.deadLetterCount()).toBe(2), WAIT);
      const ids = events.map((e) => e.id).sort();
      // Two cases, so on Kafka two partitions: the letters' order between them is the order they failed in.
      expect((await sub.deadLetters()).map((l) => l.event.id).sort()).toEqual(ids);
      expect(await sub.replayDeadLetters()).toEqual({ replayed: 0, remaining: 2 });
      broken = false;
      expect(await sub.replayDeadLetters()).toEqual({ replayed: 2, remaining: 0 });
      expect([...handled].sort()).toEqual(ids);
      expect(await sub.deadLetterCount()).toBe(0);
      expect(await sub.replayDeadLetters()).toEqual({ replayed: 0, remaining: 0 });
      expect(handled).toHaveLength(2);
      await sub.stop();
    });

    it("applies each event once in effect when a handler fails after committing (inbox), and resumes a stopped group where it was", async () => {
      const s = scope();
      const groupId = `g-${uid()}`;
      const db = new DatabaseSync(join(tempDir("inbox-"), "read-model.db"));
      db.exec("CREATE TABLE effects (event_id TEXT NOT NULL, n INTEGER NOT NULL)");
      const inbox = sqliteInbox(db);
      const failedOnce = new Set<string>();
      const handle: EventHandler = (e) => {
        inbox.once(groupId, e.id, () => {
          db.prepare("INSERT INTO effects (event_id, n) VALUES (?, ?)").run(
            e.id,
            (e.data as { n: number }).n,
          );
        });
        // As if the process died after its commit and before the broker heard of it: delivered again.
        if (!failedOnce.has(e.id)) {
          failedOnce.add(e.id);
          throw new Error("crash after commit");
        }
      };
      const first = Array.from({ length: 30 }, (_, n) => newEvent({ n }, `case-${n % 4}`));
      await h.store.append(s.stream("x"), first, "no-stream");
      const count = () => (db.prepare("SELECT COUNT(*) AS c FROM effects").get() as { c: number }).c;
      let sub = await h.bus.subscribe({ groupId, topics: [s.topic], handle, initialBackoffMs: 5 });
      await vi.waitFor(() => expect(count()).toBe(30), WAIT);
      await vi.waitFor(async () => expect(await sub.lag()).toBe(0), WAIT);
      await sub.stop();
      const more = Array.from({ length: 20 }, (_, n) => newEvent({ n: 30 + n }, `case-${n % 4}`));
      await h.store.append(s.stream("x"), more, 29);
      sub = await h.bus.subscribe({ groupId, topics: [s.topic], handle, initialBackoffMs: 5 });
      await vi.waitFor(() => expect(count()).toBe(50), WAIT);
      await vi.waitFor(async () => expect(await sub.lag()).toBe(0), WAIT);
      await sub.stop();
      const perEvent = db.prepare("SELECT COUNT(*) AS c FROM effects GROUP BY event_id HAVING c > 1").all();
      expect(perEvent).toEqual([]);
      db.close();
    });

    it("reads from the beginning on every start when ephemeral (an in-memory read model)", async () => {
      const s = scope();
      await h.store.append(s.stream("e"), [newEvent({ n: 1 }), newEvent({ n: 2 })], "no-stream");
      const groupId = `view-${uid()}`;
      for (const round of [1, 2]) {
        const got: string[] = [];
        const sub = await h.bus.subscribe({
          groupId,
          topics: [s.topic],
          ephemeral: true,
          handle: (e) => void got.push(e.id),
        });
        await vi.waitFor(() => expect(got, `round ${round}`).toHaveLength(2), WAIT);
        await vi.waitFor(async () => expect(await sub.lag()).toBe(0), WAIT);
        await sub.stop();
      }
    });

    it("delivers, in order, a backlog of one case far larger than the broker's 1 MiB batch limit", async () => {
      const s = scope();
      const filler = "x".repeat(6000);
      for (let from = 0; from < 600; from += 100) {
        const events = Array.from({ length: 100 }, (_, k) => newEvent({ i: from + k, filler }, "big-case"));
        await h.store.append(s.stream("big"), events, from === 0 ? "no-stream" : from - 1);
      }
      const seen: number[] = [];
      const sub = await h.bus.subscribe({
        groupId: `g-${uid()}`,
        topics: [s.topic],
        handle: (e) => void seen.push((e.data as { i: number }).i),
      });
      await vi.waitFor(() => expect(seen).toHaveLength(600), WAIT);
      await sub.stop();
      expect(seen).toEqual([...Array(600).keys()]);
    });

    it("gives every consumer group every event, independently", async () => {
      const s = scope();
      await h.store.append(
        s.stream("g"),
        [newEvent({ n: 1 }), newEvent({ n: 2 }), newEvent({ n: 3 })],
        "no-stream",
      );
      const a: string[] = [];
      const b: string[] = [];
      const subA = await h.bus.subscribe({
        groupId: `a-${uid()}`,
        topics: [s.topic],
        handle: (e) => void a.push(e.id),
      });
      const subB = await h.bus.subscribe({
        groupId: `b-${uid()}`,
        topics: [s.topic],
        handle: (e) => void b.push(e.id),
      });
      await vi.waitFor(() => {
        expect(a).toHaveLength(3);
        expect(b).toEqual(a);
      }, WAIT);
      await Promise.all([subA.stop(), subB.stop()]);
    });
  });
}
