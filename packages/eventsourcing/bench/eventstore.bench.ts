/**
 * Event store throughput, each adapter next to its own database's raw INSERT/SELECT rate, in one run:
 *
 *   node packages/eventsourcing/bench/eventstore.bench.ts            (PostgreSQL: DATABASE_URL / PG* / local)
 *   BENCH_SCALE=0.5 node packages/eventsourcing/bench/eventstore.bench.ts   (fewer events)
 *
 * Rows: appends of 1, 10 and 100 events (~1 KB each) per call, one transaction per call on both sides
 * (SQLite WAL with synchronous=FULL; PostgreSQL commits with its server's synchronous_commit); reading the
 * whole log in pages of 1000; a catch-up subscriber (pages plus a checkpoint per page). "raw" is the same
 * database doing the same work with plain statements on a plain table: INSERT of the same JSON per event,
 * SELECT with JSON parsing of every row.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import pg from "pg";
import type { NewEvent } from "../src/envelope.ts";
import { chainEvents } from "../src/hash-chain.ts";
import * as kernel from "../src/index.ts";
import { openPostgresEventStore } from "../src/postgres/postgres-event-store.ts";
import { openSqliteEventStore, SQLITE_STORE_SQL, SqliteEventStore } from "../src/sqlite/index.ts";
import { type BenchTarget, benchEvent, type RawDatabase, type Row } from "./bench-support.ts";
import { sqliteBench } from "./sqlite-raw.ts";

const scale = Number(process.env.BENCH_SCALE ?? "1");
const counts = {
  single: Math.round(2000 * scale),
  batch10: Math.round(5000 * scale),
  batch100: Math.round(20000 * scale),
  concurrent: Math.round(10000 * scale),
};

async function timed(work: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function appendRows(
  target: BenchTarget,
  operation: string,
  total: number,
  perCall: number,
): Promise<Row> {
  const calls = Math.max(1, Math.floor(total / perCall));
  const streams = 50;
  const revisions = new Map<string, number>();
  const batches = Array.from({ length: calls }, (_, c) =>
    Array.from({ length: perCall }, (_, e) => benchEvent(c * perCall + e)),
  );
  const prefix = `${operation.replace(/\W/g, "")}-${randomUUID().slice(0, 8)}`;
  const adapterSeconds = await timed(async () => {
    for (let c = 0; c < calls; c++) {
      const streamId = `application-${prefix}-${c % streams}`;
      const expected = revisions.get(streamId) ?? "no-stream";
      const result = await target.store.append(streamId, batches[c] as NewEvent[], expected);
      revisions.set(streamId, result.nextExpectedRevision);
    }
  });
  // The raw side stores the same bytes the adapter stores (the chained envelope), prepared untimed.
  const rawBatches = batches.map((batch, c) =>
    chainEvents(`raw-${prefix}-${c}`, undefined, batch).map((event, e): [string, number, string] => [
      `raw-${prefix}-${c % streams}`,
      c * perCall + e,
      JSON.stringify(event),
    ]),
  );
  const rawSeconds = await timed(async () => {
    for (const batch of rawBatches) await target.raw.insert(batch);
  });
  const events = calls * perCall;
  return {
    backend: target.name,
    operation,
    events,
    adapter: events / adapterSeconds,
    raw: events / rawSeconds,
  };
}

/**
 * The kernel's command path, one event per command: read the stream (and verify its hash chain), fold, decide,
 * append with the expected revision. Next to the raw side's plain 1-row INSERT, as "append 1 event/call".
 */
async function commandRows(target: BenchTarget, total: number): Promise<Row> {
  type Submitted = { type: "Submitted"; data: kernel.Json };
  const types = new kernel.EventTypes<Submitted>({ Submitted: "gov.intake.application.submitted.v1" });
  const decider: kernel.Decider<{ n: number }, Submitted, number> = {
    initialState: () => 0,
    evolve: (s) => s + 1,
    decide: (c) => [{ type: "Submitted", data: benchEvent(c.n).data }],
  };
  const streams = 50;
  const prefix = `cmd-${randomUUID().slice(0, 8)}`;
  const meta = benchEvent(0);
  const seconds = await timed(async () => {
    for (let c = 0; c < total; c++) {
      await kernel.handleCommand({
        store: target.store,
        streamId: `application-${prefix}-${c % streams}`,
        decider,
        types,
        command: { n: c },
        metadata: { source: meta.source, time: meta.time, actor: meta.actor },
      });
    }
  });
  const raw = Array.from({ length: total }, (_, c): [string, number, string][] => [
    [`raw-${prefix}-${c % streams}`, c, JSON.stringify(benchEvent(c))],
  ]);
  const rawSeconds = await timed(async () => {
    for (const batch of raw) await target.raw.insert(batch);
  });
  return {
    backend: target.name,
    operation: "command 1 event/call (read+verify+append)",
    events: total,
    adapter: total / seconds,
    raw: total / rawSeconds,
  };
}

/**
 * N writers at once, each appending one event per call to its own stream (expected revision = its last
 * result), next to N raw writers each doing one 1-row INSERT per transaction on its own connection
 * (SQLite: one handle, so the raw writers take turns — node:sqlite is synchronous). The raw rows are the
 * same chained envelopes; the raw side runs twice (it inserts the same rows again: no constraint forbids it).
 */
async function concurrentRows(target: BenchTarget, writers: number, total: number): Promise<Row> {
  const perWriter = Math.max(2, Math.ceil(total / writers));
  const prefix = `conc${writers}-${randomUUID().slice(0, 8)}`;
  const events = Array.from({ length: writers }, (_, w) =>
    Array.from({ length: perWriter }, (_, i) => benchEvent(w * perWriter + i)),
  );
  const adapterRun = () =>
    timed(async () => {
      await Promise.all(
        events.map(async (mine, w) => {
          let expected: number | "no-stream" = "no-stream";
          for (const event of mine) {
            expected = (await target.store.append(`application-${prefix}-${w}`, [event], expected))
              .nextExpectedRevision;
          }
        }),
      );
    });
  const raw = events.map((mine, w) =>
    chainEvents(`raw-${prefix}-${w}`, undefined, mine).map((e, i): [string, number, string] => [
      `raw-${prefix}-${w}`,
      i,
      JSON.stringify(e),
    ]),
  );
  const rawRun = () =>
    target.raw.concurrently(writers, (insert) =>
      timed(async () => {
        await Promise.all(
          raw.map(async (rows) => {
            for (const row of rows) await insert([row]);
          }),
        );
      }),
    );
  // The machine is shared: raw runs before and after the adapter, and the row takes their mean time, so a
  // load change during the row does not all fall on one side.
  const rawBefore = await rawRun();
  const seconds = await adapterRun();
  const rawSeconds = (rawBefore + (await rawRun())) / 2;
  return {
    backend: target.name,
    operation: `${writers} writer${writers === 1 ? "" : "s"}, 1 event/call, own streams`,
    events: writers * perWriter,
    adapter: (writers * perWriter) / seconds,
    raw: (writers * perWriter) / rawSeconds,
  };
}

/**
 * SQLite only: one writer appending one event per call with the store's own statements and nothing else — the
 * idempotency lookup, the head read, the event row (with its three indexes) and the head upsert, one transaction per
 * call — next to the same raw 1-row INSERTs. No validation, hashing, queueing or promise per append: the floor the
 * store's schema puts under `1 writer` (the events are chained untimed, beforehand).
 */
async function statementFloorRow(target: BenchTarget, db: DatabaseSync, total: number): Promise<Row> {
  const streamId = `application-floor-${randomUUID().slice(0, 8)}`;
  const chained = chainEvents(
    streamId,
    undefined,
    Array.from({ length: total }, (_, i) => benchEvent(i)),
  );
  const rows = chained.map((e) => [e, JSON.stringify(e)] as const);
  const sql = Object.fromEntries(
    Object.entries(SQLITE_STORE_SQL).map(([name, text]) => [name, db.prepare(text)]),
  ) as Record<keyof typeof SQLITE_STORE_SQL, StatementSync>;
  const rawRun = () =>
    timed(async () => {
      for (const [e, json] of rows) await target.raw.insert([[`raw-${streamId}`, e.streamversion, json]]);
    });
  const rawBefore = await rawRun();
  const seconds = await timed(async () => {
    for (const [e, json] of rows) {
      db.exec("BEGIN IMMEDIATE");
      sql.byIds.all(JSON.stringify([e.id]));
      sql.head.get(streamId);
      sql.insert.run(streamId, e.streamversion, e.id, e.type, "application", e.time, json);
      sql.upsertHead.run(streamId, "application", e.streamversion, e.hash);
      db.exec("COMMIT");
    }
  });
  const rawSeconds = (rawBefore + (await rawRun())) / 2;
  return {
    backend: target.name,
    operation: "1 writer, the store's statements alone",
    events: total,
    adapter: total / seconds,
    raw: total / rawSeconds,
  };
}

async function readRows(target: BenchTarget): Promise<Row[]> {
  let adapterEvents = 0;
  const readSeconds = await timed(async () => {
    let after: string | undefined;
    for (;;) {
      const page = await target.store.readAll({ limit: 1000, ...(after === undefined ? {} : { after }) });
      adapterEvents += page.events.length;
      after = page.nextPosition ?? after;
      if (page.endOfLog) break;
    }
  });
  let rawEvents = 0;
  const rawSeconds = await timed(async () => {
    let after = 0;
    for (;;) {
      const page = await target.raw.selectPage(after, 1000);
      rawEvents += page.count;
      after = page.last;
      if (page.count < 1000) break;
    }
  });

  const subscriber = `bench-${randomUUID()}`;
  let caughtUp = 0;
  const subscribeSeconds = await timed(async () => {
    let position: string | undefined;
    for (;;) {
      const page = await target.store.readAll({
        limit: 1000,
        ...(position === undefined ? {} : { after: position }),
      });
      caughtUp += page.events.length; // a projection would apply them here
      if (page.nextPosition !== undefined && page.nextPosition !== position) {
        await target.store.checkpoints.store(subscriber, page.nextPosition, position);
        position = page.nextPosition;
      }
      if (page.endOfLog) break;
    }
  });
  let rawCaughtUp = 0;
  const rawSubscribeSeconds = await timed(async () => {
    let after = 0;
    for (;;) {
      const page = await target.raw.selectPage(after, 1000);
      rawCaughtUp += page.count;
      after = page.last;
      await target.raw.saveCheckpoint(after);
      if (page.count < 1000) break;
    }
  });
  return [
    {
      backend: target.name,
      operation: "read all (pages of 1000)",
      events: adapterEvents,
      adapter: adapterEvents / readSeconds,
      raw: rawEvents / rawSeconds,
    },
    {
      backend: target.name,
      operation: "catch-up + checkpoint/page",
      events: caughtUp,
      adapter: caughtUp / subscribeSeconds,
      raw: rawCaughtUp / rawSubscribeSeconds,
    },
  ];
}

async function runTarget(target: BenchTarget): Promise<Row[]> {
  const rows: Row[] = [];
  await appendRows(target, "warm-up", 300, 10); // JIT, connections, file growth: not reported
  rows.push(await appendRows(target, "append 1 event/call", counts.single, 1));
  for (const writers of [1, 4, 16, 64]) rows.push(await concurrentRows(target, writers, counts.concurrent));
  if (target.store instanceof SqliteEventStore)
    rows.push(await statementFloorRow(target, target.store.db, counts.single));
  rows.push(await commandRows(target, counts.single));
  rows.push(await appendRows(target, "append 10 events/call", counts.batch10, 10));
  rows.push(await appendRows(target, "append 100 events/call", counts.batch100, 100));
  rows.push(...(await readRows(target)));
  return rows;
}

async function postgresTarget(): Promise<BenchTarget> {
  const connectionString =
    process.env.DATABASE_URL ??
    (Object.keys(process.env).some((k) => /^PG(HOST|PORT|USER|DATABASE)$/.test(k))
      ? undefined
      : "postgres://postgres@127.0.0.1:5432/test");
  const config = connectionString === undefined ? {} : { connectionString };
  const schema = `es_bench_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const store = await openPostgresEventStore({ ...config, schema });
  const pool = new pg.Pool({ ...config, max: 2 });
  const table = `"${schema}".raw_events`;
  await pool.query(
    `CREATE TABLE ${table} (seq bigserial PRIMARY KEY, stream_id text NOT NULL, version bigint NOT NULL, envelope json NOT NULL)`,
  );
  await pool.query(`CREATE TABLE "${schema}".raw_checkpoint (id int PRIMARY KEY, seq bigint NOT NULL)`);
  await pool.query(`INSERT INTO "${schema}".raw_checkpoint VALUES (1, 0)`);
  const raw: RawDatabase = {
    async insert(rows) {
      const values = rows.map((_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`).join(", ");
      await pool.query(`INSERT INTO ${table} (stream_id, version, envelope) VALUES ${values}`, rows.flat());
    },
    async selectPage(after, limit) {
      const result = await pool.query<{ seq: string; envelope: unknown }>(
        `SELECT seq, envelope FROM ${table} WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [after, limit],
      );
      return { count: result.rows.length, last: Number(result.rows.at(-1)?.seq ?? after) };
    },
    async saveCheckpoint(position) {
      await pool.query(`UPDATE "${schema}".raw_checkpoint SET seq = $1 WHERE id = 1`, [position]);
    },
    async concurrently(writers, work) {
      // One connection per writer, as N application processes would have.
      const own = new pg.Pool({ ...config, max: writers });
      try {
        await Promise.all(Array.from({ length: writers }, () => own.query("SELECT 1")));
        return await work(async (rows) => {
          const values = rows.map((_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`).join(", ");
          await own.query(
            `INSERT INTO ${table} (stream_id, version, envelope) VALUES ${values}`,
            rows.flat(),
          );
        });
      } finally {
        await own.end();
      }
    },
    close: () => pool.end(),
  };
  return {
    name: "postgres",
    store,
    raw,
    async dispose() {
      await store.close();
      await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      await raw.close();
    },
  };
}

async function sqliteTarget(): Promise<BenchTarget | string> {
  const dir = mkdtempSync(join(tmpdir(), "es-bench-"));
  const store = await openSqliteEventStore({ path: join(dir, "events.db"), synchronous: "FULL" });
  const raw = sqliteBench(join(dir, "raw.db"));
  return {
    name: "sqlite",
    store,
    raw,
    async dispose() {
      await store.close();
      await raw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function formatTable(rows: Row[], notes: string[]): string {
  const header = ["backend", "operation", "events", "adapter ev/s", "raw ev/s", "adapter/raw"];
  const body = rows.map((r) => [
    r.backend,
    r.operation,
    String(r.events),
    Math.round(r.adapter).toLocaleString("en-US"),
    Math.round(r.raw).toLocaleString("en-US"),
    `${Math.round((r.adapter / r.raw) * 100)} %`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i >= 2 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join(" | ")} |`;
  const separator = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(header), separator, ...body.map(line), ...notes.map((n) => `note: ${n}`)].join("\n");
}

const rows: Row[] = [];
const notes: string[] = [];
const started = Date.now();
for (const makeTarget of [sqliteTarget, postgresTarget]) {
  let target: BenchTarget | string;
  try {
    target = await makeTarget();
  } catch (error) {
    target = error instanceof Error ? error.message : String(error);
  }
  if (typeof target === "string") {
    notes.push(`${makeTarget === sqliteTarget ? "sqlite" : "postgres"} skipped: ${target}`);
    continue;
  }
  try {
    rows.push(...(await runTarget(target)));
  } finally {
    await target.dispose();
  }
}
notes.push(`scale ${scale}, ${((Date.now() - started) / 1000).toFixed(1)} s, Node ${process.version}`);
process.stdout.write(`${formatTable(rows, notes)}\n`);
