import { useBackend } from "@gov/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Json, RecordedEvent } from "../envelope.ts";
import { ConcurrencyError, IdempotencyConflictError, StreamDeletedError } from "../errors.ts";
import { verifyChain } from "../hash-chain.ts";
import type { ContractHarness } from "../testing/contract-harness.ts";
import { describeEventStoreContract } from "../testing/event-store-contract.ts";
import { openPostgresEventStore, type PostgresEventStore } from "./postgres-event-store.ts";
import {
  dropSchema,
  freshSchema,
  newEvent,
  openTestStore,
  probePostgres,
  settlesWithin,
  testConnectionString,
  testPoolConfig,
} from "./test-support.ts";

const run = useBackend("postgres", "eventsourcing/postgres adapter", await probePostgres());

/** A store on its own fresh schema, dropped by dispose(); tampering goes straight to the tables. */
async function makePostgresHarness(): Promise<ContractHarness> {
  const schema = freshSchema("es_contract");
  const store = await openTestStore(schema);
  const opened: PostgresEventStore[] = [store];
  return {
    store,
    checkpoints: store.checkpoints,
    async reopen() {
      const again = await openTestStore(schema);
      opened.push(again);
      return { store: again, checkpoints: again.checkpoints };
    },
    tamper: {
      async alterData(streamId, revision, data) {
        const events = `"${schema}".events`;
        const found = await store.pool.query<{ envelope: Record<string, unknown> }>(
          `SELECT envelope FROM ${events} WHERE stream_id = $1 AND stream_version = $2`,
          [streamId, revision],
        );
        const envelope = found.rows[0]?.envelope;
        if (!envelope) throw new Error(`no event ${streamId}@${revision}`);
        await store.pool.query(
          `UPDATE ${events} SET envelope = $3::json WHERE stream_id = $1 AND stream_version = $2`,
          [streamId, revision, JSON.stringify({ ...envelope, data })],
        );
      },
      async remove(streamId, revision) {
        await store.pool.query(
          `DELETE FROM "${schema}".events WHERE stream_id = $1 AND stream_version = $2`,
          [streamId, revision],
        );
      },
    },
    concurrentTransactions: true,
    async dispose() {
      await Promise.all(opened.map((s) => s.close()));
      await dropSchema(schema);
    },
  };
}

describe.skipIf(!run)("PostgreSQL event store: adapter specifics", () => {
  const schema = freshSchema("es_pg");
  let store: PostgresEventStore;

  beforeAll(async () => {
    store = await openTestStore(schema);
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(schema);
  });

  test("concurrent opens migrate the schema once, under the advisory lock", async () => {
    const fresh = freshSchema("es_mig");
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => openTestStore(fresh)));
      const pool = new pg.Pool({ ...testPoolConfig(), max: 1 });
      const applied = await pool.query(`SELECT version FROM "${fresh}".schema_migrations ORDER BY version`);
      await pool.end();
      expect(applied.rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }]);
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await dropSchema(fresh);
    }
  });

  test("group commit: 16 concurrent appends to different streams share transactions, one conflict fails alone", async () => {
    const streams = Array.from({ length: 16 }, (_, i) => `gc-${i}`);
    await Promise.all(streams.map((s) => store.append(s, [newEvent()], "no-stream")));
    const settled = await Promise.allSettled(
      streams.map((s, i) => store.append(s, [newEvent()], i === 3 ? 9 : 0)),
    );
    expect(settled.map((r) => r.status).filter((x) => x === "rejected")).toHaveLength(1);
    expect((settled[3] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
    const transactions = new Set(
      settled.flatMap((r) => (r.status === "fulfilled" ? r.value.positions.map((p) => p.split(":")[0]) : [])),
    );
    // At most two groups commit at once, so 15 appends cannot have needed 15 transactions.
    expect(transactions.size).toBeLessThan(15);
  });

  test("the contract harness tampers where verification can see it", async () => {
    const harness = await makePostgresHarness();
    try {
      await harness.store.append("tamper-1", [newEvent(), newEvent(), newEvent()], "no-stream");
      await harness.tamper.alterData("tamper-1", 1, { forged: true });
      const altered = verifyChain("tamper-1", await harness.store.readStream("tamper-1"));
      expect(altered).toMatchObject({ ok: false, revision: 1, reason: "hash-mismatch" });
      await harness.tamper.remove?.("tamper-1", 0);
      const removed = verifyChain("tamper-1", await (await harness.reopen()).store.readStream("tamper-1"));
      expect(removed).toMatchObject({ ok: false, revision: 0, reason: "missing-revision" });
    } finally {
      await harness.dispose();
    }
  });

  test("strings and numbers round-trip exactly, so stored hashes verify", async () => {
    const data: Json = {
      nul: "a\u0000b",
      text: "申请人 张三 ✓ 😀",
      escapes: 'quote " backslash \\ newline \n',
      big: Number.MAX_SAFE_INTEGER,
      small: 1.5e-7,
      huge: 1e21,
      tenth: 0.1,
      negative: -42.125,
      nested: [{ b: 2, a: 1 }, [], {}, null, true],
    };
    await store.append("roundtrip-1", [newEvent(undefined, data)], "no-stream");
    const [event] = await store.readStream("roundtrip-1");
    expect(event?.data).toEqual(data);
    expect(verifyChain("roundtrip-1", (await store.readStream("roundtrip-1")) as RecordedEvent[]).ok).toBe(
      true,
    );
  });

  test("idempotent append: a retry after the stream moved on returns the original result", async () => {
    const batch = [newEvent(), newEvent()];
    const first = await store.append("idem-1", batch, "no-stream");
    await store.append("idem-1", [newEvent()], first.nextExpectedRevision);
    expect(await store.append("idem-1", batch, "no-stream")).toEqual(first);
    const changed = [batch[0], { ...batch[1], data: { changed: true } }] as typeof batch;
    await expect(store.append("idem-1", changed, "any")).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(
      store.append("idem-1", [batch[0], newEvent()] as typeof batch, "any"),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(store.append("idem-other", batch, "any")).rejects.toBeInstanceOf(IdempotencyConflictError);
  });

  test("a remembered head that another process moved is caught by append_events(), not chained on", async () => {
    const other = await openTestStore(schema);
    try {
      const mine = await store.append("cached-1", [newEvent()], "no-stream"); // remembers head 0
      await other.append("cached-1", [newEvent()], 0); // moves it to 1 behind this store's back
      await expect(store.append("cached-1", [newEvent()], mine.nextExpectedRevision)).rejects.toMatchObject({
        name: "ConcurrencyError",
        actual: 1,
      });
      const rolledBack = store.transaction(async (tx) => {
        await tx.append("cached-1", [newEvent()], 1);
        throw new Error("rolled back");
      });
      await expect(rolledBack).rejects.toThrow("rolled back");
      await store.append("cached-1", [newEvent()], 1);
      await other.append("cached-1", [newEvent()], 2);
      const events = await store.readStream("cached-1");
      expect(events.map((e) => e.streamversion)).toEqual([0, 1, 2, 3]);
      expect(verifyChain("cached-1", events).ok).toBe(true);
    } finally {
      await other.close();
    }
  });

  test("racing identical appends store one copy and both get the same result", async () => {
    const batch = [newEvent(), newEvent()];
    const results = await Promise.all(
      Array.from({ length: 6 }, () => store.append("race-1", batch, "no-stream")),
    );
    for (const result of results) expect(result).toEqual(results[0]);
    expect(await store.readStream("race-1")).toHaveLength(2);
  });

  test("a projection commits its read-model write and checkpoint together, or neither", async () => {
    const table = `"${schema}".application_count`;
    await store.pool.query(`CREATE TABLE ${table} (id int PRIMARY KEY, n int NOT NULL)`);
    await store.transaction(async (tx) => {
      await tx.client.query(`INSERT INTO ${table} VALUES (1, 1)`);
      await tx.checkpoints.store("counter", "1:1", undefined);
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.client.query(`UPDATE ${table} SET n = n + 1`);
        await tx.checkpoints.store("counter", "1:2", "1:1");
        throw new Error("projection failed");
      }),
    ).rejects.toThrow("projection failed");
    expect((await store.pool.query(`SELECT n FROM ${table}`)).rows).toEqual([{ n: 1 }]);
    expect(await store.checkpoints.load("counter")).toBe("1:1");
    await expect(
      store.transaction((tx) => tx.checkpoints.store("counter", "1:3", "1:0")),
    ).rejects.toMatchObject({ name: "CheckpointConflictError" });
  });

  test("an append inside a transaction that loses a race throws but leaves the transaction usable", async () => {
    await store.append("tx-race", [newEvent()], "no-stream");
    const outcome = await store.transaction(async (tx) => {
      const lost = await tx.append("tx-race", [newEvent()], "no-stream").catch((error: unknown) => error);
      await tx.checkpoints.store("tx-race-reaction", "1:1", undefined);
      return lost;
    });
    expect(outcome).toBeInstanceOf(ConcurrencyError);
    expect(await store.checkpoints.load("tx-race-reaction")).toBe("1:1");
  });

  test("waitForAppend wakes on another process's append (LISTEN/NOTIFY), else times out", async () => {
    const other = await openPostgresEventStore({
      ...(testConnectionString() === undefined ? {} : { connectionString: testConnectionString() as string }),
      schema,
    });
    try {
      // The listener is in place once a wait returns for an append (or for LISTEN taking effect).
      await expect
        .poll(async () => {
          const warm = store.waitForAppend(60_000, undefined, { categories: ["warm"] });
          await other.append(`warm-${schema}`, [newEvent()], "any");
          return settlesWithin(warm, 500);
        })
        .toBe(true);
      const woken = store.waitForAppend(60_000, undefined, { categories: ["notify"] });
      await other.append("notify-1", [newEvent()], "no-stream");
      expect(await settlesWithin(woken, 30_000)).toBe(true);
      // No append of its category: it ends at its timeout.
      const idle = Date.now();
      await store.waitForAppend(100, undefined, { categories: ["quiet"] });
      expect(Date.now() - idle).toBeGreaterThanOrEqual(90);
      const controller = new AbortController();
      const aborted = store.waitForAppend(5_000, controller.signal);
      controller.abort();
      await aborted;
    } finally {
      await other.close();
    }
  });

  test("soft delete keeps the events in the log and reads the stream as deleted", async () => {
    const result = await store.append("deleted-1", [newEvent()], "no-stream");
    await store.softDeleteStream("deleted-1");
    await expect(store.readStream("deleted-1")).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(store.append("deleted-1", [newEvent()], "any")).rejects.toBeInstanceOf(StreamDeletedError);
    expect(await store.streamMetadata("deleted-1")).toEqual({
      category: "deleted",
      softDeleted: true,
      lastRevision: 0,
    });
    const log = await readEverything(store);
    expect(log.map((e) => e.position)).toContain(result.positions[0]);
  });

  test("8 concurrent writers, 50 appends each on 3 streams: contiguous versions, typed conflicts", async () => {
    const writers = await Promise.all(Array.from({ length: 4 }, () => openTestStore(schema)));
    const streams = ["stress-a", "stress-b", "stress-c"];
    const outcome = { appended: 0, conflicts: 0, other: [] as unknown[] };
    const appender = async (writer: PostgresEventStore, w: number) => {
      for (let i = 0; i < 50; i++) {
        const streamId = streams[(w + i) % streams.length] as string;
        const mode = w % 4 === 3 ? "any" : "expected";
        const head = await writer.streamMetadata(streamId);
        const expected = mode === "any" ? "any" : head === undefined ? "no-stream" : head.lastRevision;
        try {
          await writer.append(streamId, [newEvent("gov.test.stress.v1", { w, i })], expected);
          outcome.appended++;
        } catch (error) {
          if (error instanceof ConcurrencyError) outcome.conflicts++;
          else outcome.other.push(error);
        }
      }
    };
    try {
      await Promise.all(
        Array.from({ length: 8 }, (_, w) => appender(writers[w % writers.length] as PostgresEventStore, w)),
      );
    } finally {
      await Promise.all(writers.map((w) => w.close()));
    }
    expect(outcome.other).toEqual([]);
    expect(outcome.appended + outcome.conflicts).toBe(400);
    let stored = 0;
    for (const streamId of streams) {
      const events = await store.readStream(streamId);
      expect(events.map((e) => e.streamversion)).toEqual(events.map((_, i) => i));
      expect(verifyChain(streamId, events).ok).toBe(true);
      stored += events.length;
    }
    expect(stored).toBe(outcome.appended);
    const log = (await readEverything(store)).filter((e) => e.subject.startsWith("stress-"));
    expect(new Set(log.map((e) => e.id)).size).toBe(outcome.appended);
    for (const streamId of streams) {
      const versions = log.filter((e) => e.subject === streamId).map((e) => e.streamversion);
      expect(versions).toEqual(versions.map((_, i) => i));
    }
  });
});

async function readEverything(store: PostgresEventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ limit: 100, ...(after === undefined ? {} : { after }) });
    events.push(...page.events);
    after = page.nextPosition ?? after;
    if (page.endOfLog) return events;
  }
}

if (run) describeEventStoreContract("postgres", makePostgresHarness);
