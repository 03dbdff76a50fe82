/**
 * Read models at scale: intake's applications projection (SQL tables) on a log of N applications.
 *
 *   pnpm bench:scale                  (N = 20 000)
 *   BENCH_SCALE=100000 pnpm bench:scale   or   pnpm bench:scale 100000
 *   BENCH_PG=1 pnpm bench:scale       (also PostgreSQL: DATABASE_URL / PG* / the local server)
 *   BENCH_STORE_DIR=/some/folder      (keeps the generated SQLite log there, and reuses it on the next run)
 *   BENCH_PG_SCHEMA=bench_scale       (keeps the PostgreSQL copy of the log in that schema, and reuses it)
 *   BENCH_ONE_BY_ONE=false            (without the event-by-event catch-up that is there for comparison)
 *
 * Generation (not timed): the events are made by intake's own decider (real event shapes, validated by the
 * contract's schemas) and appended through the store's `appendMany`, 500 application streams a call (the
 * PostgreSQL copy the same way, reading each stream back from SQLite). It does not go
 * through the command path (HTTP, load-decide-append with a read per command, case-serial streams): on two cores
 * that runs at a few hundred commands a second, hours for a million applications, and what is measured here is
 * the read side. The mix: 15 % green channel, over 4 regions × 4 departments of the demo's 公共场所卫生许可-like
 * matter; 45 % accepted complete, 15 % 一次性告知 then supplemented and accepted, 10 % 容缺 accepted on a signed
 * promise (half supply later), 5 % 告知承诺, 5 % withdrawn, 20 % still waiting in the queue.
 *
 * Measured per backend: catch-up of the projection from scratch (events/s) next to the store's raw read rate
 * (readAll pages); time to ready after a restart (the projection resumes from its checkpoint); RSS idle after
 * that start; p99 of the queue's first page, an application view, a search by case number, and the KPIs.
 * Then the real intake service is started on the same store and read models, in its own process, twice: its time to
 * `/health/ready` on the first start (its copies of the catalog, credit statuses and calendar read the log from
 * its start), and after a restart, with its idle RSS then (the service's own figures, without the bench's).
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  applicationsProjection,
  SqlApplications,
} from "../../../services/intake/src/read-models/applications-sql.ts";
import {
  applicationEvents,
  generatedId,
  regions,
} from "../../../services/intake/src/read-models/generated-applications.ts";
import { projectionSchema } from "../../runtime/src/projection-db.ts";
import type { NewEvent } from "../src/envelope.ts";
import type { EventStore, StreamWrite } from "../src/event-store.ts";
import type { ProjectionDatabase } from "../src/projections/port.ts";
import { startProjection } from "../src/projections/runner.ts";
import { openSqliteProjectionDatabase } from "../src/projections/sqlite.ts";
import { openSqliteEventStore } from "../src/sqlite/store.ts";
import { measureIntakeService } from "./service-process.ts";

const N = Number(process.argv[2] ?? process.env.BENCH_SCALE ?? 20_000);
const f = (x: number, d = 1) => x.toFixed(d);
/** A service start that failed: said on stderr, and its cells print NaN (the CI test then fails). */
const failed = (error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  return { readyMs: Number.NaN, rssMiB: Number.NaN };
};
const TABLE_HEAD =
  "| backend | store raw read ev/s | projection catch-up ev/s (page at a time) | catch-up event by event ev/s | ready after restart ms | RSS idle MiB (bench process) | p99 queue page ms | p99 view ms | p99 case-number search ms | p99 KPIs ms | intake service: first start, ready ms | intake service: restart, ready ms | intake service: RSS idle MiB |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
const p99 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] as number;
};
async function timed(n: number, f: (i: number) => Promise<unknown>) {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f(i);
    xs.push(performance.now() - t);
  }
  return p99(xs);
}
const rssMiB = () => Math.round(process.memoryUsage().rss / 2 ** 20);

async function measure(
  label: string,
  store: EventStore,
  openDb: () => Promise<ProjectionDatabase>,
  n: number,
  events: number,
  serviceEnv: Record<string, string>,
) {
  // Raw read rate of the store.
  let t = performance.now();
  let after: string | undefined;
  let read = 0;
  for (;;) {
    const page = await store.readAll({
      ...(after ? { after } : {}),
      limit: 500,
      filter: { categories: ["application"] },
    });
    read += page.events.length;
    if (page.endOfLog || page.nextPosition === undefined || page.nextPosition === after) break;
    after = page.nextPosition;
  }
  const rawRate = read / ((performance.now() - t) / 1000);
  // Catch-up from scratch.
  let db = await openDb();
  t = performance.now();
  let p = await startProjection(store, db, applicationsProjection, { registryPollMs: 60_000 });
  while (!p.caughtUp) await new Promise((r) => setTimeout(r, 50));
  const catchUp = events / ((performance.now() - t) / 1000);
  await p.close();
  // Case numbers to search for, from the model itself (the bench keeps no list of a million ids: a large heap
  // would put its own garbage-collection pauses into the p99s; `generatedId(i)` gives an application's id).
  const cases: string[] = [];
  {
    const found = await p.read(({ db: d, t: tn }) =>
      d.all<{ c: string }>(
        `SELECT case_number AS c FROM ${tn("applications")} WHERE case_number IS NOT NULL LIMIT 2000`,
      ),
    );
    cases.push(...found.map((r) => r.c));
  }
  await p.close();
  // The same projection event by event (no page handler), the way it ran before `applyPage`, for comparison.
  let catchUpOneByOne = Number.NaN;
  if (process.env.BENCH_ONE_BY_ONE !== "false") {
    const { applyPage: _, ...oneByOne } = applicationsProjection;
    t = performance.now();
    p = await startProjection(
      store,
      db,
      { ...oneByOne, name: "bench_one_by_one" },
      { registryPollMs: 60_000 },
    );
    while (!p.caughtUp) await new Promise((r) => setTimeout(r, 50));
    catchUpOneByOne = events / ((performance.now() - t) / 1000);
    await p.close();
  }
  await db.close();
  global.gc?.();
  // Restart: ready when resumed from the checkpoint.
  t = performance.now();
  db = await openDb();
  p = await startProjection(store, db, applicationsProjection, { registryPollMs: 60_000 });
  while (!p.caughtUp) await new Promise((r) => setTimeout(r, 5));
  const ready = performance.now() - t;
  await new Promise((r) => setTimeout(r, 500));
  global.gc?.();
  const rss = rssMiB();
  const model = new SqlApplications(p);
  const q = 300;
  const rows = {
    queue: await timed(q, (i) => model.queue(i % 2 ? { region: regions[i % 4] as string } : {})),
    view: await timed(q, (i) => model.get(generatedId((i * 7919) % n))),
    search: await timed(q, (i) => model.search({ caseNumber: cases[(i * 7919) % cases.length] as string })),
    kpis: await timed(q, () => model.kpis()),
  };
  const queueSize = (await model.queue({}, { limit: 50 })).items.length;
  await p.close();
  await db.close();
  // First start on this data: the service's copies (catalog, credit, calendar) read the log from its start.
  const firstStart = await measureIntakeService(serviceEnv).catch(failed);
  // A restart: everything resumes from its checkpoint.
  const restart = await measureIntakeService(serviceEnv).catch(failed);
  const r = { label, rawRate, catchUp, catchUpOneByOne, ready, rss, ...rows, queueSize, firstStart, restart };
  // Printed at once, so that a failure in a later backend keeps this one's figures.
  const row = `| ${r.label} | ${f(r.rawRate, 0)} | ${f(r.catchUp, 0)} | ${Number.isNaN(r.catchUpOneByOne) ? "-" : f(r.catchUpOneByOne, 0)} | ${f(r.ready, 0)} | ${r.rss} | ${f(r.queue, 2)} | ${f(r.view, 2)} | ${f(r.search, 2)} | ${f(r.kpis, 2)} | ${f(r.firstStart.readyMs, 0)} | ${f(r.restart.readyMs, 0)} | ${r.restart.rssMiB} |\n`;
  process.stdout.write(`${TABLE_HEAD}${row}`);
  return row;
}

// BENCH_STORE_DIR: a folder to keep the generated log in (and reuse it when it holds one: at a million
// applications the generation takes most of the run); its projection databases are removed before measuring.
const kept = process.env.BENCH_STORE_DIR;
const CHUNK = 500;
const dir = kept ?? mkdtempSync(join(tmpdir(), "bench-scale-"));
for (const f of readdirSync(dir)) if (f.startsWith("intake-projections.db")) rmSync(join(dir, f));
const store = openSqliteEventStore({ path: join(dir, "platform.db"), synchronous: "NORMAL" });
let events = (store.db.prepare("SELECT COUNT(*) AS n FROM events").get() as { n: number }).n;
let t0 = performance.now();
if (events > 0) {
  process.stdout.write(`reusing the log in ${dir}: ${events} events (N = ${N} applications)\n`);
} else {
  for (let from = 0; from < N; from += CHUNK) {
    const writes: StreamWrite[] = [];
    for (let i = from; i < Math.min(N, from + CHUNK); i += 1) {
      const a = applicationEvents(i);
      events += a.events.length;
      writes.push({
        streamId: `application-${generatedId(i)}`,
        events: a.events,
        expectedRevision: "no-stream",
      });
    }
    await store.appendMany(writes);
  }
  const generation = (performance.now() - t0) / 1000;
  process.stdout.write(
    `generated ${N} applications, ${events} events, in ${generation.toFixed(1)} s (SQLite store)\n`,
  );
}
const tableRows = [
  await measure(
    "sqlite",
    store,
    async () => openSqliteProjectionDatabase({ path: join(dir, "intake-projections.db") }),
    N,
    events,
    { EVENT_STORE: "sqlite", DATA_DIR: dir },
  ),
];
if (process.env.BENCH_PG) {
  const { openTestStore, freshSchema, dropSchema, testConnectionString } = await import(
    "../src/postgres/test-support.ts"
  );
  const { openPostgresProjectionDatabase } = await import("../src/projections/postgres.ts");
  const keptSchema = process.env.BENCH_PG_SCHEMA;
  const es = keptSchema ?? freshSchema("bench_es");
  // The schema the intake service itself uses for a store in `es`, so that the service started below resumes
  // the projection the bench built.
  const rm = projectionSchema("intake", es);
  await dropSchema(rm);
  const pgStore = await openTestStore(es);
  if ((await pgStore.readAll({ limit: 1 })).events.length > 0) {
    process.stdout.write(`reusing the PostgreSQL copy in schema ${es}\n`);
  } else {
    t0 = performance.now();
    const copy = async (from: number) => {
      const writes: StreamWrite[] = [];
      for (let i = from; i < Math.min(N, from + CHUNK); i += 1) {
        const stream = `application-${generatedId(i)}`;
        const recorded = await store.readStream(stream);
        const fresh = recorded.map(
          ({
            position: _p,
            hash: _h,
            prevhash: _ph,
            streamversion: _v,
            subject: _s,
            specversion: _sv,
            ...e
          }) => e as NewEvent,
        );
        writes.push({ streamId: stream, events: fresh, expectedRevision: "no-stream" });
      }
      await pgStore.appendMany(writes);
    };
    // A few calls in flight: the store's group committer shares transactions between them.
    const inFlight = new Set<Promise<void>>();
    for (let from = 0; from < N; from += CHUNK) {
      const call = copy(from).finally(() => inFlight.delete(call));
      inFlight.add(call);
      if (inFlight.size >= 3) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    process.stdout.write(`copied to PostgreSQL in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const cs = testConnectionString();
  tableRows.push(
    await measure(
      "postgres",
      pgStore,
      () => openPostgresProjectionDatabase({ ...(cs ? { connectionString: cs } : {}), schema: rm }),
      N,
      events,
      {
        EVENT_STORE: "postgres",
        EVENT_STORE_SCHEMA: es,
        DATA_DIR: dir,
        ...(cs ? { DATABASE_URL: cs } : {}),
      },
    ),
  );
  await pgStore.close();
  if (!keptSchema) {
    await dropSchema(es);
    await dropSchema(rm);
  }
}
await store.close();
if (!kept) rmSync(dir, { recursive: true, force: true });

process.stdout.write(`\n${N} applications, ${events} events\n${TABLE_HEAD}${tableRows.join("")}`);
