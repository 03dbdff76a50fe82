// `pnpm bench:audit [cases]`: the audit service's figures on a real SQLite store (docs/audit.md).
// - the trail's catch-up from empty, on SQLite and (when reachable) PostgreSQL;
// - timeline of a 200-event case (p99), among `cases` other cases of 10 events (default 500);
// - point-in-time reconstruction of that case (p99);
// - whole-store verification: events/s, and plain SHA-256 over the same canonical bytes in the same run;
// - inclusion-proof generation (p99) against the latest checkpoint.
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { hashedFields, type NewEvent } from "@gov/eventsourcing";
import { startProjection } from "@gov/eventsourcing/projections";
import { openSqliteProjectionDatabase } from "@gov/eventsourcing/projections/sqlite";
import { openSqliteEventStore } from "@gov/eventsourcing/sqlite";
import { auditKeyFromEnv } from "@gov/runtime";
import canonicalize from "canonicalize";
import { CaseQueries } from "../src/application/cases.ts";
import { AuditLedger } from "../src/application/ledger.ts";
import { verifyStore } from "../src/application/verify-store.ts";
import { Trail, trailProjection } from "../src/read-models/trail.ts";
import { postgresCatchUp } from "./trail-postgres.ts";

const others = Number(process.argv[2] ?? 500);
const dir = mkdtempSync(join(tmpdir(), "audit-bench-"));
const store = openSqliteEventStore({ path: join(dir, "platform.db"), synchronous: "NORMAL" });
const db = openSqliteProjectionDatabase({ path: join(dir, "audit-projections.db") });
const key = auditKeyFromEnv(undefined, "development");
const actor = { id: "clerk-1", role: "window-clerk" as const, department: "11330100MB0000001X" };
const event = (app: string, i: number): NewEvent => ({
  id: randomUUID(),
  type: "gov.intake.application.updated.v1",
  source: "gov.intake",
  time: new Date(Date.UTC(2026, 2, 2) + i * 60_000).toISOString(),
  data: { applicationId: app, step: i, note: "材料补正", legalBasis: "《行政许可法》第三十二条" },
  caseid: app,
  actor,
});

const pct = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * q) - 1] ?? Number.NaN;
const p99 = (xs: number[]) => pct(xs, 0.99);
const p50 = (xs: number[]) => pct(xs, 0.5);
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

try {
  for (let i = 0; i < 200; i += 20) {
    await store.append(
      "application-BIG",
      Array.from({ length: 20 }, (_, j) => event("BIG", i + j)),
      "any",
    );
  }
  for (let c = 0; c < others; c++) {
    await store.append(
      `application-C${c}`,
      Array.from({ length: 10 }, (_, j) => event(`C${c}`, j)),
      "any",
    );
  }
  const projection = await startProjection(store, db, trailProjection, { idleWaitMs: 20 });
  const head = (await store.readAll({ limit: 10_000_000 })).events.at(-1)?.position as string;
  const caughtStart = process.hrtime.bigint();
  if (!(await projection.waitFor(head, 600_000))) throw new Error("trail did not catch up");
  const catchUpMs = ms(caughtStart);
  const trail = new Trail(projection);
  const ledger = new AuditLedger({ store, trail, key, checkpointDir: undefined });
  const cases = new CaseQueries({ store, trail, ledger, key });
  const checkpoint = await ledger.checkpoint({
    actor: { id: "bench", role: "system" },
    now: new Date().toISOString(),
  });
  const total = checkpoint.treeSize;

  const timeline: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = process.hrtime.bigint();
    const r = await cases.timeline("BIG");
    timeline.push(ms(t));
    if (r?.events.length !== 200) throw new Error("timeline is not 200 events");
  }
  const at: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = process.hrtime.bigint();
    await cases.at("BIG", new Date(Date.UTC(2026, 2, 2) + (i % 200) * 60_000).toISOString());
    at.push(ms(t));
  }
  const inclusion: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const index = (i * 7919) % total;
    const t = process.hrtime.bigint();
    await ledger.inclusion("x", index, total);
    inclusion.push(ms(t));
  }

  const verifyStart = process.hrtime.bigint();
  const verified = await verifyStore(store, trail, [checkpoint], key.publicKeyBase64);
  const verifyMs = ms(verifyStart);
  if (!verified.ok) throw new Error(`verification failed: ${JSON.stringify(verified.firstFailure)}`);
  // The same bytes, hashed plainly: every event's canonical JSON once (what the chain check must at least do).
  const all = (await store.readAll({ limit: 10_000_000 })).events;
  const bytes = all.map((e) => Buffer.from(canonicalize(hashedFields(e)) ?? "", "utf8"));
  const shaStart = process.hrtime.bigint();
  for (const b of bytes) createHash("sha256").update(b).digest();
  const shaMs = ms(shaStart);

  const onPostgres = await postgresCatchUp(all);

  const rate = (n: number, t: number) => Math.round((n / t) * 1000);
  const out = (label: string, value: string) => process.stdout.write(`${label.padEnd(58)} ${value}\n`);
  out("events in the store", String(all.length));
  out("trail catch-up from empty (events/s)", String(rate(all.length, catchUpMs)));
  out("the same on PostgreSQL (events/s)", onPostgres);
  out(
    "timeline of a 200-event case, p50 / p99 (ms)",
    `${p50(timeline).toFixed(2)} / ${p99(timeline).toFixed(2)}`,
  );
  out("point-in-time reconstruction of it, p50 / p99 (ms)", `${p50(at).toFixed(2)} / ${p99(at).toFixed(2)}`);
  out("whole-store verification (events/s)", String(rate(all.length, verifyMs)));
  out("plain SHA-256 over the same canonical bytes (events/s)", String(rate(all.length, shaMs)));
  out(
    "verification as a share of plain SHA-256",
    `${((rate(all.length, verifyMs) / rate(all.length, shaMs)) * 100).toFixed(1)} %`,
  );
  out(
    `inclusion-proof generation in a tree of ${total}, p50 / p99 (ms)`,
    `${p50(inclusion).toFixed(3)} / ${p99(inclusion).toFixed(3)}`,
  );
  out("machine load average (1 min) during the run", os.loadavg()[0]?.toFixed(2) ?? "?");
  await projection.close();
} finally {
  await store.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
