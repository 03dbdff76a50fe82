import { embeddedTestStore } from "@gov/eventsourcing/testing";
import type { MessagingLogger } from "@gov/messaging";
import { describe, expect, it } from "vitest";
import { caseReports } from "../application/reports.ts";
import { reportCaseEvent } from "./case-events.ts";
import { permitEvents } from "./case-fixtures.ts";

describe("reportCaseEvent on a real store", () => {
  it("a delivery without a case is logged with its id, type and reason only, and reports nothing", async () => {
    const p = permitEvents("W", 0, { caseId: false });
    if (!p) throw new Error("application 0 is accepted in the fixtures");
    const t = await embeddedTestStore({ [p.streamId]: p.events });
    try {
      const lines: { level: string; obj: object; msg: string }[] = [];
      const logger: MessagingLogger = {
        info: (obj, msg) => lines.push({ level: "info", obj, msg }),
        warn: (obj, msg) => lines.push({ level: "warn", obj, msg }),
        error: (obj, msg) => lines.push({ level: "error", obj, msg }),
      };
      const reports = caseReports(t.store);
      const given = (await t.store.readAll({ limit: 1000 })).events;
      for (const e of given) await reportCaseEvent(reports, e, "2026-11-20T10:00:00+08:00", logger);
      const [, delivered] = await t.store.readStream(p.streamId);
      expect(lines).toEqual([
        {
          level: "warn",
          obj: {
            eventId: delivered?.id,
            type: "gov.approval.permit.certificate-delivered.v1",
            reason: "the delivery names no case (recorded before CertificateDelivered had caseId)",
          },
          msg: "exchange feed: event not reported",
        },
      ]);
      // Nothing of the delivery beyond its id and type: no tracking number, certificate or officer.
      expect(JSON.stringify(lines)).not.toMatch(/EMS|PMT-|officer/);
      expect(await t.newEvents()).toEqual([]);
    } finally {
      await t.dispose();
    }
  });
});
