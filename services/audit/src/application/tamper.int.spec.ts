import { randomUUID } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { type EventStore, hashEvent, type NewEvent, type RecordedEvent } from "@gov/eventsourcing";
import { type ProjectionDatabase, startProjection } from "@gov/eventsourcing/projections";
import { sqliteProjectionTestBed } from "@gov/eventsourcing/testing";
import {
  postgresProjectionTestBed,
  probePostgres,
  testPoolConfig,
} from "@gov/eventsourcing/testing/postgres";
import { auditKeyFromEnv } from "@gov/runtime";
import { useBackend } from "@gov/testing";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { Trail, trailProjection } from "../read-models/trail.ts";
import { AuditLedger } from "./ledger.ts";
import { verifyStore } from "./verify-store.ts";

const key = auditKeyFromEnv(undefined, "test");
const system = { id: "audit-test", role: "system" as const };

/** Raw access to the store's table, bypassing the adapter: what an administrator with database access could do. */
interface Tamper {
  setEnvelope(eventId: string, envelope: object): Promise<void>;
  remove(eventId: string): Promise<void>;
  swap(a: RecordedEvent, b: RecordedEvent): Promise<void>;
  insert(envelope: RecordedEvent): Promise<void>;
}

interface Setup {
  store: EventStore;
  db: ProjectionDatabase;
  tamper: Tamper;
  dispose(): Promise<void>;
}

async function sqliteSetup(): Promise<Setup> {
  const { store, db, dispose } = sqliteProjectionTestBed("audit-tamper");
  // A connection of its own to the store's file, as another program would open it.
  const path = store.db.location();
  if (!path) throw new Error("the store is not in a file");
  const raw = () => new DatabaseSync(path);
  const exec = (sql: string, ...params: (string | number)[]) => {
    const conn = raw();
    try {
      conn.prepare(sql).run(...params);
    } finally {
      conn.close();
    }
  };
  return {
    store,
    db,
    tamper: {
      async setEnvelope(eventId, envelope) {
        exec("UPDATE events SET envelope = ? WHERE event_id = ?", JSON.stringify(envelope), eventId);
      },
      async remove(eventId) {
        exec("DELETE FROM events WHERE event_id = ?", eventId);
      },
      async swap(a, b) {
        const { position: _a, ...ea } = a;
        const { position: _b, ...eb } = b;
        exec("UPDATE events SET event_id = ? WHERE event_id = ?", `${a.id}-tmp`, a.id);
        exec(
          "UPDATE events SET envelope = ?, event_id = ? WHERE event_id = ?",
          JSON.stringify(ea),
          a.id,
          b.id,
        );
        exec(
          "UPDATE events SET envelope = ?, event_id = ? WHERE event_id = ?",
          JSON.stringify(eb),
          b.id,
          `${a.id}-tmp`,
        );
      },
      async insert(e) {
        const { position: _p, ...envelope } = e;
        exec(
          "INSERT INTO events (stream_id, stream_version, event_id, type, category, time, envelope) VALUES (?, ?, ?, ?, ?, ?, ?)",
          e.subject,
          e.streamversion,
          e.id,
          e.type,
          e.subject.split("-")[0] ?? "",
          e.time,
          JSON.stringify(envelope),
        );
      },
    },
    dispose,
  };
}

async function postgresSetup(): Promise<Setup> {
  const { store, db, dispose } = await postgresProjectionTestBed("audit_tamper");
  const pool = new pg.Pool({ ...testPoolConfig(), max: 1 });
  const events = `"${store.schema}".events`;
  return {
    store,
    db,
    tamper: {
      async setEnvelope(eventId, envelope) {
        await pool.query(`UPDATE ${events} SET envelope = $2::json WHERE event_id = $1`, [
          eventId,
          JSON.stringify(envelope),
        ]);
      },
      async remove(eventId) {
        await pool.query(`DELETE FROM ${events} WHERE event_id = $1`, [eventId]);
      },
      async swap(a, b) {
        const { position: _a, ...ea } = a;
        const { position: _b, ...eb } = b;
        await pool.query(
          `UPDATE ${events} SET envelope = CASE WHEN event_id = $1 THEN $3::json ELSE $4::json END WHERE event_id IN ($1, $2)`,
          [a.id, b.id, JSON.stringify(eb), JSON.stringify(ea)],
        );
      },
      async insert(e) {
        const { position: _p, ...envelope } = e;
        await pool.query(
          `INSERT INTO ${events} (stream_id, stream_version, event_id, type, category, time, envelope, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7::json, $8)`,
          [
            e.subject,
            e.streamversion,
            e.id,
            e.type,
            e.subject.split("-")[0],
            e.time,
            JSON.stringify(envelope),
            e.hash,
          ],
        );
      },
    },
    async dispose() {
      await pool.end();
      await dispose();
    },
  };
}

const event = (
  type: string,
  data: NewEvent["data"],
  minute: number,
  extra: Partial<NewEvent> = {},
): NewEvent => ({
  id: randomUUID(),
  type,
  source: type.split(".").slice(0, 2).join("."),
  time: new Date(Date.UTC(2026, 2, 2, 1, minute)).toISOString(),
  data,
  actor: { id: "clerk-1", role: "window-clerk", department: "11330100002489110X" },
  ...extra,
});

/** Three applications with a few events each, two checkpoints, then more events after the second one. */
async function history(store: EventStore, ledger: AuditLedger, settle: () => Promise<void>) {
  let minute = 0;
  const round = async () => {
    for (const app of ["a1", "a2", "a3"]) {
      await store.append(
        `application-${app}`,
        [
          event("gov.intake.application.updated.v1", { applicationId: app, step: minute }, minute++, {
            caseid: app,
          }),
        ],
        "any",
      );
    }
  };
  await round();
  await round();
  await settle();
  const first = await ledger.checkpoint({ actor: system, now: "2026-03-02T02:00:00.000Z" });
  await round();
  await settle();
  const second = await ledger.checkpoint({ actor: system, now: "2026-03-02T03:00:00.000Z" });
  await round();
  await round();
  await settle();
  return { first, second };
}

const backends = [
  { name: "sqlite", setup: sqliteSetup, available: true as const },
  { name: "postgres", setup: postgresSetup, available: await probePostgres() },
] as const;

for (const backend of backends) {
  const run = useBackend(backend.name, `audit tamper evidence (${backend.name})`, backend.available);
  describe.skipIf(!run)(
    `audit: tampering directly in the ${backend.name} database is detected and named`,
    () => {
      let s: Setup | undefined;
      afterEach(async () => {
        await s?.dispose();
        s = undefined;
      });

      async function start() {
        s = await backend.setup();
        const { store } = s;
        const projection = await startProjection(store, s.db, trailProjection, { idleWaitMs: 20 });
        const trail = new Trail(projection);
        const ledger = new AuditLedger({ store, trail, key, checkpointDir: undefined });
        const settle = async () => {
          const head = (await store.readAll({ limit: 1_000_000 })).events.at(-1)?.position;
          if (head) expect(await projection.waitFor(head, 20_000)).toBe(true);
        };
        const checkpoints = await history(store, ledger, settle);
        const verify = async () => verifyStore(store, trail, await ledger.checkpoints(), key.publicKeyBase64);
        const stream = (id: string) => store.readStream(id);
        return { store, projection, trail, ledger, settle, verify, stream, checkpoints, tamper: s.tamper };
      }

      it("an untouched store verifies: every chain, the trail and every checkpoint (RFC 9162 §2.1.4)", async () => {
        const t = await start();
        const result = await t.verify();
        expect(result).toMatchObject({ ok: true, checkpoints: [{ ok: true }, { ok: true }] });
        expect(result.firstFailure).toBeUndefined();
        await t.projection.close();
      });

      it("changed data: verification fails naming the event (hash-mismatch)", async () => {
        const t = await start();
        const victim = (await t.stream("application-a2"))[1] as RecordedEvent;
        const { position: _p, ...envelope } = victim;
        await t.tamper.setEnvelope(victim.id, { ...envelope, data: { applicationId: "a2", step: 999 } });
        const result = await t.verify();
        expect(result.ok).toBe(false);
        expect(result.firstFailure).toMatchObject({
          eventId: victim.id,
          reason: "hash-mismatch",
          revision: 1,
        });
        await t.projection.close();
      });

      it("a deleted event before a checkpoint: named, and both checkpoints' proofs fail", async () => {
        const t = await start();
        const victim = (await t.stream("application-a1"))[0] as RecordedEvent;
        await t.tamper.remove(victim.id);
        const result = await t.verify();
        expect(result.ok).toBe(false);
        expect(result.firstFailure).toMatchObject({ eventId: victim.id, reason: "missing-from-store" });
        expect(result.checkpoints).toMatchObject([
          { treeSize: t.checkpoints.first.treeSize, ok: false, reason: "root-mismatch" },
          { treeSize: t.checkpoints.second.treeSize, ok: false, reason: "inconsistent" },
        ]);
        await t.projection.close();
      });

      it("the last event of a stream deleted (no chain after it to break): the trail names it", async () => {
        const t = await start();
        const victim = (await t.stream("application-a3")).at(-1) as RecordedEvent;
        await t.tamper.remove(victim.id);
        const result = await t.verify();
        expect(result.ok).toBe(false);
        expect(result.firstFailure).toMatchObject({ eventId: victim.id, reason: "missing-from-store" });
        await t.projection.close();
      });

      it("two events swapped: verification fails naming the first one out of place", async () => {
        const t = await start();
        const events = await t.stream("application-a2");
        const [a, b] = [events[1] as RecordedEvent, events[2] as RecordedEvent];
        await t.tamper.swap(a, b);
        const result = await t.verify();
        expect(result.ok).toBe(false);
        expect([a.id, b.id]).toContain(result.firstFailure?.eventId);
        expect(result.checkpoints.some((c) => !c.ok)).toBe(true);
        await t.projection.close();
      });

      it("an event inserted with a correct hash of its own but forged into the chain: named (broken-link)", async () => {
        const t = await start();
        const events = await t.stream("application-a1");
        const base = events[0] as RecordedEvent;
        const forged: RecordedEvent = {
          ...base,
          id: randomUUID(),
          streamversion: events.length,
          prevhash: base.hash,
          data: { applicationId: "a1", step: -1, forged: true },
          hash: "",
        };
        forged.hash = hashEvent(forged);
        await t.tamper.insert(forged);
        const result = await t.verify();
        expect(result.ok).toBe(false);
        expect(result.firstFailure).toMatchObject({ eventId: forged.id, reason: "broken-link" });
        await t.projection.close();
      });
    },
  );
}
