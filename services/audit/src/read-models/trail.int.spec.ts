import { randomUUID } from "node:crypto";
import type { NewEvent } from "@gov/eventsourcing";
import { startProjection } from "@gov/eventsourcing/projections";
import { type ProjectionTestBed, sqliteProjectionTestBed } from "@gov/eventsourcing/testing";
import { postgresProjectionTestBed, probePostgres } from "@gov/eventsourcing/testing/postgres";
import { useBackend } from "@gov/testing";
import { describe, expect, it } from "vitest";
import { Trail, trailProjection } from "./trail.ts";

const actor = { id: "clerk-1", role: "window-clerk" as const, department: "11330100MB0000001X" };
const event = (caseid: string, data: Record<string, string>): NewEvent => ({
  id: randomUUID(),
  type: "gov.intake.application.updated.v1",
  source: "gov.intake",
  time: "2026-03-02T08:00:00.000Z",
  data,
  caseid,
  actor,
});

function describeTrail(name: string, open: () => Promise<ProjectionTestBed> | ProjectionTestBed) {
  describe(`audit trail: ${name}`, () => {
    it("holds every event of the log once, numbered 0… in log order across pages, under every key that names its case", async () => {
      const { store, db, dispose } = await open();
      try {
        // Three appends of several events each (pages of 4 below split them differently), one event naming a
        // second case in its data, and two streams sharing a key.
        await store.append("application-A1", [event("A1", {}), event("A1", { step: "2" })], "no-stream");
        await store.append(
          "application-B1",
          [event("B1", {}), event("B1", { applicationId: "A1" }), event("B1", {})],
          "no-stream",
        );
        await store.append("application-A1", [event("A1", {}), event("A1", {})], 1);
        const head = (await store.readAll()).events.at(-1)?.position as string;
        const projection = await startProjection(store, db, trailProjection, { batchSize: 4 });
        try {
          expect(await projection.waitFor(head, 30_000)).toBe(true);
          const trail = new Trail(projection);
          const leaves = await trail.leavesFrom(0, 100);
          const log = (await store.readAll()).events;
          expect(leaves.map((l) => l.logIndex)).toEqual([0, 1, 2, 3, 4, 5, 6]);
          expect(leaves.map((l) => l.id)).toEqual(log.map((e) => e.id));
          expect(leaves.map((l) => l.hash)).toEqual(log.map((e) => e.hash));
          // A1's own four events, and B1's event that names A1 in its data.
          expect((await trail.caseEvents("A1")).map((e) => e.logIndex)).toEqual([0, 1, 3, 5, 6]);
          expect((await trail.caseEvents("B1")).map((e) => e.logIndex)).toEqual([2, 3, 4]);
          expect((await trail.byId(log[3]?.id as string))?.data).toEqual({ applicationId: "A1" });
        } finally {
          await projection.close();
        }
      } finally {
        await dispose();
      }
    });
  });
}

useBackend("sqlite", "audit trail (sqlite)", true);
describeTrail("sqlite", () => sqliteProjectionTestBed("audit-trail"));

if (useBackend("postgres", "audit trail (postgres)", await probePostgres())) {
  describeTrail("postgres", () => postgresProjectionTestBed("audit_trail"));
}
