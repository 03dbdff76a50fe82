/**
 * Read models at scale: intake's applications projection (SQL tables) on a log of N applications.
 *
 *   pnpm bench:scale                  (N = 20 000)
 *   BENCH_SCALE=100000 pnpm bench:scale   or   pnpm bench:scale 100000
 *   BENCH_PG=1 pnpm bench:scale       (also PostgreSQL: DATABASE_URL / PG* / the local server)
 *
 * Generation (not timed): the events are made by intake's own decider (real event shapes, validated by the
 * contract's schemas) and appended through the store's `append`, one stream per application. It does not go
 * through the command path (HTTP, load-decide-append with a read per command, case-serial streams): on two cores
 * that runs at a few hundred commands a second, hours for a million applications, and what is measured here is
 * the read side. The mix: 15 % green channel, over 4 regions × 4 departments of the demo's 公共场所卫生许可-like
 * matter; 45 % accepted complete, 15 % 一次性告知 then supplemented and accepted, 10 % 容缺 accepted on a signed
 * promise (half supply later), 5 % 告知承诺, 5 % withdrawn, 20 % still waiting in the queue.
 *
 * Measured per backend: catch-up of the projection from scratch (events/s) next to the store's raw read rate
 * (readAll pages); time to ready after a restart (the projection resumes from its checkpoint); RSS idle after
 * that start; p99 of the queue's first page, an application view, a search by case number, and the KPIs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applicationTypes } from "../../../services/intake/src/application/applications.ts";
import type { ApplicationEvent } from "../../../services/intake/src/domain/application/application.ts";
import type { ApplicationCommand } from "../../../services/intake/src/domain/application/commands.ts";
import { applicationDecider } from "../../../services/intake/src/domain/application/decide.ts";
import {
  applicant as fixtureApplicant,
  greenCredit,
  hygieneMatter,
  hygieneRequirements,
  normalCredit,
} from "../../../services/intake/src/domain/application/fixtures.ts";
import {
  applicationsProjection,
  SqlApplications,
} from "../../../services/intake/src/read-models/applications-sql.ts";
import { officialCalendar } from "../../calendar/src/index.ts";
import type { NewEvent } from "../src/envelope.ts";
import type { EventStore } from "../src/event-store.ts";
import type { ProjectionDatabase } from "../src/projections/port.ts";
import { startProjection } from "../src/projections/runner.ts";
import { openSqliteProjectionDatabase } from "../src/projections/sqlite.ts";
import { openSqliteEventStore } from "../src/sqlite/store.ts";

const N = Number(process.argv[2] ?? process.env.BENCH_SCALE ?? 20_000);
const decider = applicationDecider(officialCalendar());
const regions = ["330100", "330102", "330106", "330108"];
const departments = ["11330100002490234Q", "11330100002490235R", "11330100002490236T", "11330100002490237U"];
const file = (id: string) => ({ uri: `s3://intake-uploads/${id}.pdf`, sha256: "a".repeat(64) });
const provided = (id: string) => ({ materialId: id, provision: "provided" as const, file: file(id) });
const complete = [
  provided("M01"),
  { materialId: "LIC", provision: "certificate" as const, certificateId: "ZZ-330106-2025-000123" },
  provided("M03"),
  provided("M04"),
];

/** One application's events, decided by intake's decider (as the command path would), with their envelopes. */
function applicationEvents(i: number): { events: NewEvent[]; caseNumber?: string } {
  const r = (i * 2654435761) % 100;
  const region = regions[i % 4] as string;
  const dept = departments[(i >> 2) % 4] as string;
  const day = `2026-${String(3 + (i % 9)).padStart(2, "0")}-${String(1 + (i % 27)).padStart(2, "0")}`;
  const matter = {
    ...hygieneMatter,
    region,
    department: { creditCode: dept, name: `部门${dept.slice(-2)}` },
    implementationCode: `${dept}${hygieneMatter.implementationCode.slice(18)}`,
  };
  const id = `B${String(i).padStart(9, "0")}`;
  const creditCode = fixtureApplicant.creditCode;
  const applicant = { ...fixtureApplicant, subjectId: `O${creditCode}${i % 500}` };
  const at = (hour: number) => ({
    now: `${day}T${String(hour).padStart(2, "0")}:00:00+08:00`,
    actor: { id: "clerk-1", role: "window-clerk" as const, region },
  });
  const caseNumber = `${matter.implementationCode}${day.replaceAll("-", "")}${String(i % 10_000).padStart(4, "0")}`;
  const deferred = r >= 60 && r < 70;
  const commands: ApplicationCommand[] = [
    {
      type: "SubmitApplication",
      data: {
        applicationId: id,
        matter,
        requirements: hygieneRequirements,
        applicant,
        channel: i % 10 < 7 ? "window" : "online",
        materials:
          r >= 45 && r < 60
            ? [complete[0], complete[1], complete[3]]
            : deferred
              ? complete.slice(0, 3)
              : complete,
        informedCommitmentRequested: r >= 70 && r < 75,
        credit: r % 7 === 0 ? greenCredit : normalCredit,
      },
      metadata: at(9),
    } as ApplicationCommand,
  ];
  if (r < 45 || (r >= 70 && r < 75))
    commands.push({
      type: "CheckApplication",
      data: { defects: [], caseNumber },
      metadata: at(10),
    } as ApplicationCommand);
  if (r >= 45 && r < 60) {
    commands.push({
      type: "CheckApplication",
      data: { defects: [] },
      metadata: at(10),
    } as ApplicationCommand);
    commands.push({
      type: "SupplementMaterials",
      data: { materials: [provided("M03")] },
      metadata: at(11),
    } as ApplicationCommand);
    commands.push({
      type: "CheckApplication",
      data: { defects: [], caseNumber },
      metadata: at(12),
    } as ApplicationCommand);
  }
  if (deferred) {
    const supplyBy = new Date(Date.parse(`${day}T12:00:00+08:00`) + 3 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    commands.push({
      type: "CheckApplication",
      data: {
        defects: [],
        caseNumber,
        deferralPromise: {
          materialIds: ["M04"],
          supplyBy,
          signature: { file: file("promise"), signedAt: `${day}T09:30:00+08:00`, signedBy: `O${creditCode}` },
        },
      },
      metadata: at(10),
    } as ApplicationCommand);
    if (r % 2 === 0)
      commands.push({
        type: "SupplyDeferredMaterials",
        data: { materials: [provided("M04")] },
        metadata: at(15),
      } as ApplicationCommand);
  }
  if (r >= 75 && r < 80)
    commands.push({
      type: "WithdrawApplication",
      data: { reason: "申请人撤回" },
      metadata: at(10),
    } as ApplicationCommand);
  let state = decider.initialState();
  const events: NewEvent[] = [];
  for (const c of commands) {
    let decided: ApplicationEvent[];
    try {
      decided = decider.decide(c, state);
    } catch (error) {
      if (process.env.BENCH_DEBUG) process.stderr.write(`${c.type}: ${String(error)}\n`);
      continue; // a command the mix made that the rules refuse (e.g. a 告知承诺 the matter's credit gate refuses)
    }
    for (const e of decided) {
      state = decider.evolve(state, e);
      events.push({
        id: crypto.randomUUID(),
        type: applicationTypes.wireType(e.type),
        source: "gov.intake",
        time: c.metadata?.now as string,
        data: e.data as NewEvent["data"],
        caseid: id,
        region,
        actor: c.metadata?.actor as NewEvent["actor"],
      });
    }
  }
  return { events, ...(state.status === "accepted" ? { caseNumber } : {}) };
}

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
  ids: string[],
  cases: string[],
  events: number,
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
    view: await timed(q, (i) => model.get(ids[(i * 7919) % ids.length] as string)),
    search: await timed(q, (i) => model.search({ caseNumber: cases[(i * 7919) % cases.length] as string })),
    kpis: await timed(100, () => model.kpis()),
  };
  const queueSize = (await model.queue({}, { limit: 50 })).items.length;
  await p.close();
  await db.close();
  return { label, rawRate, catchUp, ready, rss, ...rows, queueSize };
}

const dir = mkdtempSync(join(tmpdir(), "bench-scale-"));
const store = openSqliteEventStore({ path: join(dir, "platform.db"), synchronous: "NORMAL" });
const ids: string[] = [];
const cases: string[] = [];
let events = 0;
let t0 = performance.now();
for (let i = 0; i < N; i += 1) {
  const a = applicationEvents(i);
  ids.push(`B${String(i).padStart(9, "0")}`);
  if (a.caseNumber) cases.push(a.caseNumber);
  events += a.events.length;
  await store.append(`application-${ids[i]}`, a.events, "no-stream");
}
const generation = (performance.now() - t0) / 1000;
process.stdout.write(
  `generated ${N} applications, ${events} events, in ${generation.toFixed(1)} s (SQLite store)\n`,
);
const results = [
  await measure(
    "sqlite",
    store,
    async () => openSqliteProjectionDatabase({ path: join(dir, "intake-projections.db") }),
    ids,
    cases,
    events,
  ),
];
if (process.env.BENCH_PG) {
  const { openTestStore, freshSchema, dropSchema, testConnectionString } = await import(
    "../src/postgres/test-support.ts"
  );
  const { openPostgresProjectionDatabase } = await import("../src/projections/postgres.ts");
  const es = freshSchema("bench_es");
  const rm = freshSchema("bench_rm");
  const pgStore = await openTestStore(es);
  t0 = performance.now();
  for (let i = 0; i < N; i += 1) {
    const page = await store.readStream(`application-${ids[i]}`);
    await pgStore.append(
      `application-${ids[i]}`,
      page.map(
        ({ position: _p, hash: _h, prevhash: _ph, streamversion: _v, subject: _s, specversion: _sv, ...e }) =>
          e as NewEvent,
      ),
      "no-stream",
    );
  }
  process.stdout.write(`copied to PostgreSQL in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  const cs = testConnectionString();
  results.push(
    await measure(
      "postgres",
      pgStore,
      () => openPostgresProjectionDatabase({ ...(cs ? { connectionString: cs } : {}), schema: rm }),
      ids,
      cases,
      events,
    ),
  );
  await pgStore.close();
  await dropSchema(es);
  await dropSchema(rm);
}
await store.close();
rmSync(dir, { recursive: true, force: true });

const f = (x: number, d = 1) => x.toFixed(d);
process.stdout.write(`\n${N} applications, ${events} events\n`);
process.stdout.write(
  "| backend | store raw read ev/s | projection catch-up ev/s | ready after restart ms | RSS idle MiB | p99 queue page ms | p99 view ms | p99 case-number search ms | p99 KPIs ms |\n|---|---|---|---|---|---|---|---|---|\n",
);
for (const r of results)
  process.stdout.write(
    `| ${r.label} | ${f(r.rawRate, 0)} | ${f(r.catchUp, 0)} | ${f(r.ready, 0)} | ${r.rss} | ${f(r.queue, 2)} | ${f(r.view, 2)} | ${f(r.search, 2)} | ${f(r.kpis, 2)} |\n`,
  );
