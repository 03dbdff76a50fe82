import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { useBackend } from "@gov/testing";
import { describe, expect, it } from "vitest";
import { describeEventStoreContract } from "../testing/event-store-contract.ts";
import { openSqliteEventStore } from "./store.ts";

useBackend("sqlite", "event store contract (sqlite)", true);

function tempFile() {
  const dir = mkdtempSync(join(tmpdir(), "es-sqlite-"));
  return { path: join(dir, "events.db"), dir };
}

describeEventStoreContract("sqlite", async () => {
  const { path, dir } = tempFile();
  const store = openSqliteEventStore({ path, pollMs: 20 });
  const others: ReturnType<typeof openSqliteEventStore>[] = [];
  const raw = () => new DatabaseSync(path);
  return {
    store,
    checkpoints: store.checkpoints,
    concurrentTransactions: false,
    async reopen() {
      const other = openSqliteEventStore({ path, pollMs: 20 });
      others.push(other);
      return { store: other, checkpoints: other.checkpoints };
    },
    tamper: {
      async alterData(streamId, revision, data) {
        const db = raw();
        const row = db
          .prepare("SELECT envelope FROM events WHERE stream_id = ? AND stream_version = ?")
          .get(streamId, revision) as { envelope: string };
        const envelope = { ...JSON.parse(row.envelope), data };
        db.prepare("UPDATE events SET envelope = ? WHERE stream_id = ? AND stream_version = ?").run(
          JSON.stringify(envelope),
          streamId,
          revision,
        );
        db.close();
      },
      async remove(streamId, revision) {
        const db = raw();
        db.prepare("DELETE FROM events WHERE stream_id = ? AND stream_version = ?").run(streamId, revision);
        db.close();
      },
    },
    async dispose() {
      for (const s of [store, ...others]) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe("SQLite event store specifics", () => {
  it("is durable by default (synchronous=FULL, WAL)", async () => {
    const { path, dir } = tempFile();
    const store = openSqliteEventStore({ path });
    expect(store.db.prepare("PRAGMA synchronous").get()).toEqual({ synchronous: 2 });
    expect(store.db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("group commit: appends made in one turn of the event loop share one COMMIT; a conflict fails alone", async () => {
    const { path, dir } = tempFile();
    const store = openSqliteEventStore({ path });
    const ev = () => ({
      id: crypto.randomUUID(),
      type: "gov.test.thing.happened.v1",
      source: "gov.test",
      time: "2026-03-02T09:00:00+08:00",
      data: {},
      actor: { id: "t", role: "system" as const },
    });
    const exec = store.db.exec.bind(store.db);
    let commits = 0;
    store.db.exec = (sql: string) => {
      if (sql === "COMMIT") commits++;
      return exec(sql);
    };
    const settled = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) => store.append(`gc-${i}`, [ev()], i === 7 ? 3 : "no-stream")),
    );
    expect(commits).toBe(1);
    expect(settled.map((r) => r.status).filter((s) => s === "fulfilled")).toHaveLength(15);
    expect((await store.readAll()).events).toHaveLength(15);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps versions contiguous when two handles on one file append to one stream", async () => {
    const { path, dir } = tempFile();
    const a = openSqliteEventStore({ path });
    const b = openSqliteEventStore({ path });
    const ev = () => ({
      id: crypto.randomUUID(),
      type: "gov.test.thing.happened.v1",
      source: "gov.test",
      time: "2026-03-02T09:00:00+08:00",
      data: {},
      actor: { id: "t", role: "system" as const },
    });
    for (let i = 0; i < 20; i++) await (i % 2 ? a : b).append("shared-1", [ev()], "any");
    expect((await a.readStream("shared-1")).map((e) => e.streamversion)).toEqual([...Array(20).keys()]);
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers readers near the log's end from what it wrote, and the stored rows whenever they could differ", async () => {
    const { path, dir } = tempFile();
    const a = openSqliteEventStore({ path });
    const b = openSqliteEventStore({ path });
    const ev = (n: number) => ({
      id: crypto.randomUUID(),
      type: n % 2 ? "gov.test.odd.happened.v1" : "gov.test.even.happened.v1",
      source: "gov.test",
      time: "2026-03-02T09:00:00+08:00",
      data: { n },
      actor: { id: "t", role: "system" as const },
    });
    const ns = (r: { events: { data: unknown }[] }) => r.events.map((e) => (e.data as { n: number }).n);
    for (let n = 0; n < 6; n++) await a.append(n < 3 ? "alpha-1" : "beta-1", [ev(n)], "any");
    // Pages, filters and limits as the query gives them, from the tail.
    const all = await a.readAll({ after: "2", limit: 2 });
    expect(ns(all)).toEqual([2, 3]);
    expect(all).toMatchObject({ nextPosition: "4", endOfLog: false });
    expect(ns(await a.readAll({ after: "1", filter: { categories: ["beta"] } }))).toEqual([3, 4, 5]);
    expect(ns(await a.readAll({ after: "1", filter: { types: ["gov.test.odd.happened.v1"] } }))).toEqual([
      1, 3, 5,
    ]);
    expect(await a.readAll({ after: "6", filter: { categories: ["alpha"] } })).toMatchObject({
      events: [],
      nextPosition: "6",
      endOfLog: true,
    });
    // Another handle appends: the first sees its row (the tail no longer ends at the log's end).
    await b.append("beta-1", [ev(6)], "any");
    expect(ns(await a.readAll({ after: "5" }))).toEqual([5, 6]);
    // Its own next append follows a gap in what it wrote: still every row, in order.
    await a.append("beta-1", [ev(7)], "any");
    expect(ns(await a.readAll({ after: "4" }))).toEqual([4, 5, 6, 7]);
    // A row altered in the file: `fromStorage` reads the file itself (what a verification must see).
    const raw = new DatabaseSync(path);
    raw.prepare("UPDATE events SET envelope = json_set(envelope, '$.data.n', 99) WHERE position = 8").run();
    raw.close();
    expect(ns(await a.readAll({ after: "7", fromStorage: true }))).toEqual([99]);
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
