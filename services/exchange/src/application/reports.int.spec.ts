import { caseStepReported, exchangeEventTypes } from "@gov/contracts";
import { embeddedTestStore } from "@gov/eventsourcing/testing";
import { afterEach, describe, expect, it } from "vitest";
import { storedV1Rows } from "../reactions/case-fixtures.ts";
import { caseReports, currentReport, reportTypes } from "./reports.ts";

const CASE_NUMBER = `${"11330100002489110X3330100100001"}202611030001`;
let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

describe("rows stored as gov.exchange.casestep.reported.v1 read as v2 (upcaster; stored events never rewritten)", () => {
  it("a stored v1 row reads as the current row, the same content, valid under v2", () => {
    const [stored] = storedV1Rows("U").events;
    if (!stored) throw new Error("fixture");
    expect(stored.type).toBe("gov.exchange.casestep.reported.v1");
    const read = reportTypes.toDomain(stored);
    expect(read).toEqual({ type: "CaseStepReported", data: stored.data });
    expect(currentReport(stored.type, stored.data).type).toBe("gov.exchange.casestep.reported.v2");
    expect(caseStepReported.safeParse(read?.data).success).toBe(true);
    // A v2 row is left as it is.
    expect(currentReport(exchangeEventTypes.CaseStepReported, stored.data)).toEqual({
      type: exchangeEventTypes.CaseStepReported,
      data: stored.data,
    });
  });

  it("a case whose 申办 was stored as v1 continues as v2: acceptance re-reports it as version 2; the v1 event stays", async () => {
    const legacy = storedV1Rows("U");
    const t = await embeddedTestStore({ [legacy.streamId]: legacy.events });
    dispose = t.dispose;
    const applicationId = legacy.streamId.slice("casestep-".length);
    const result = await caseReports(t.store).handle(
      applicationId,
      {
        type: "ReportAcceptance",
        data: {
          source: {
            eventId: "accepted-1",
            type: "gov.intake.application.accepted.v1",
            occurredAt: "2026-11-03T09:00:00+08:00",
          },
          caseNumber: CASE_NUMBER,
          acceptedOn: "2026-11-03",
          mode: "complete",
          promisedTimeLimitDays: 10,
          dueOn: "2026-11-17",
        },
      },
      { now: "2026-11-03T09:00:01+08:00", actor: { id: "exchange-feed", role: "system" } },
    );
    // The folded state knew the v1 row: its next version is 2, not a second version 1.
    expect(result.state.rows.application?.version).toBe(2);
    const stream = await t.store.readStream(legacy.streamId);
    expect(
      stream.map((e) => [e.type, (e.data as { step: string }).step, (e.data as { version: number }).version]),
    ).toEqual([
      ["gov.exchange.casestep.reported.v1", "application", 1],
      ["gov.exchange.casestep.reported.v2", "application", 2],
      ["gov.exchange.casestep.reported.v2", "acceptance", 1],
    ]);
    expect(stream[0]?.data).toEqual(legacy.events[0]?.data);
  });
});
