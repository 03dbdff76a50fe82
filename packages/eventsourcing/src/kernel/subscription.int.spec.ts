import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useBackend } from "@gov/testing";
import { afterEach, expect, it } from "vitest";
import { newEvent } from "../postgres/test-support.ts";
import { openSqliteEventStore, type SqliteEventStore } from "../sqlite/store.ts";
import { countAhead, runCatchUp } from "./subscription.ts";

useBackend("sqlite", "eventsourcing/kernel catch-up checkpoints (sqlite)", true);

let dir: string;
let store: SqliteEventStore;
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
const open = () => {
  dir = mkdtempSync(join(tmpdir(), "catchup-"));
  store = openSqliteEventStore({ path: join(dir, "es.db") });
};

it("checkpointEveryMs: the position is stored at most that often while delivering, and when it stops", async () => {
  open();
  for (let i = 0; i < 5; i++) await store.append(`thing-${i}`, [newEvent()], "no-stream");
  const handled: string[] = [];
  const controller = new AbortController();
  const running = runCatchUp({
    store,
    checkpoints: store.checkpoints,
    subscriberId: "lazy",
    filter: { categories: ["thing"] },
    batchSize: 1,
    idleWaitMs: 20,
    checkpointEveryMs: 3_600_000,
    signal: controller.signal,
    handle: (events) => {
      handled.push(...events.map((e) => e.position));
    },
  });
  await expect.poll(() => handled.length, { timeout: 10_000 }).toBe(5);
  // Five pages handled, none stored yet: the first store is an hour away.
  expect(await store.checkpoints.load("lazy")).toBeUndefined();
  controller.abort();
  await running;
  expect(await store.checkpoints.load("lazy")).toBe(handled.at(-1));
});

it("without it, every page that delivered something stores its checkpoint; a failing page keeps the ones before", async () => {
  open();
  for (let i = 0; i < 4; i++) await store.append(`thing-${i}`, [newEvent()], "no-stream");
  const seen: string[] = [];
  const controller = new AbortController();
  const run = runCatchUp({
    store,
    checkpoints: store.checkpoints,
    subscriberId: "eager",
    batchSize: 1,
    idleWaitMs: 20,
    signal: controller.signal,
    handle: async (events) => {
      if (seen.length === 2) throw new Error("handler failed");
      seen.push(...events.map((e) => e.position));
      expect(await store.checkpoints.load("eager")).toBe(seen.length === 1 ? undefined : seen.at(-2));
    },
  });
  await expect(run).rejects.toThrow("handler failed");
  expect(await store.checkpoints.load("eager")).toBe(seen.at(-1));
});

it("an append committed while a subscriber was busy wakes its next wait at once (no sleeping through it)", async () => {
  open();
  const controller = new AbortController();
  await store.waitForAppend(60_000, controller.signal); // a first wait returns at once
  // The subscriber "reads" here, then an append commits before it waits again.
  await store.append("thing-1", [newEvent()], "no-stream");
  // Without the fix this slept until the next append or its timeout (the test's timeout would fail it).
  await store.waitForAppend(60_000, controller.signal);
  // Nothing new since: the next wait sleeps until an append comes.
  let woke = false;
  const waiting = store.waitForAppend(60_000, controller.signal).then(() => {
    woke = true;
  });
  await new Promise((r) => setImmediate(r));
  expect(woke).toBe(false);
  await store.append("thing-2", [newEvent()], "no-stream");
  await waiting;
  expect(woke).toBe(true);
}, 20_000);

it("countAhead: exact near the end of the log; a follower beyond its page budget is at least 1 behind, never 0", async () => {
  open();
  await store.appendMany(
    Array.from({ length: 25 }, (_, i) => ({
      streamId: `noise-${i}`,
      events: Array.from({ length: 100 }, () => newEvent()),
      expectedRevision: "no-stream" as const,
    })),
  );
  const wanted = await store.append("wanted-1", [newEvent(), newEvent(), newEvent()], "no-stream");
  const isWanted = (e: { subject: string }) => e.subject.startsWith("wanted-");
  // 2 503 events, 1 000 a page: three pages reach the end and count the 3.
  expect(await countAhead(store, { after: undefined, counts: isWanted })).toBe(3);
  // Two pages read 2 000 events, none of them wanted, and stop short of the end: behind, so not 0.
  expect(await countAhead(store, { after: undefined, counts: isWanted, maxPages: 2 })).toBe(1);
  // From the first wanted event: 2 left, at the end.
  expect(await countAhead(store, { after: wanted.positions[0], counts: isWanted, maxPages: 2 })).toBe(2);
  // The cap stops the count (and the reading).
  expect(await countAhead(store, { after: undefined, cap: 5 })).toBe(5);
});
