import { randomUUID } from "node:crypto";
import { approvalEventTypes, reviewAndMonitorEventTypes as wire } from "@gov/contracts";
import type { NewEvent } from "@gov/eventsourcing";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, market, reacted, settled, startApp, until } from "./fixtures.ts";

useBackend("sqlite", "review-and-monitor: approval's decisions, permit changes and clocks (sqlite)", true);

let h: Harness;
beforeEach(async () => {
  h = await startApp();
});
afterEach(async () => {
  await h.dispose();
});
const base = "/review-and-monitor";
const supervising = { creditCode: "11330100MB0000001X", name: "杭州市综合行政执法局" };
const approvalEvent = (type: keyof typeof approvalEventTypes, data: object): NewEvent => ({
  id: randomUUID(),
  type: approvalEventTypes[type],
  source: "gov.approval",
  time: "2026-05-06T10:00:00+08:00",
  data: data as NewEvent["data"],
  actor: { id: "officer-1", role: "officer" },
});
const opened = approvalEvent("CaseOpened", {
  caseId: "A1",
  applicationId: "A1",
  caseNumber: "x",
  matter: {
    matterId: "food",
    version: 1,
    name: "食品经营许可",
    implementationCode: "1".repeat(31),
    department: market,
    supervisingDepartment: supervising,
    region: "330106",
    promisedTimeLimitDays: 10,
    statutoryTimeLimitDays: 20,
  },
  applicant: { subjectId: "O91330106MA2H3K7P1X", kind: "organisation" },
  acceptanceMode: "complete",
  acceptedOn: "2026-05-06",
  steps: [{ index: 0, name: "承办", timeLimitDays: 10 }],
  clock: {
    limitDays: 10,
    statutoryLimitDays: 20,
    joint: false,
    countsFrom: "2026-05-07",
    dueOn: "2026-05-19",
  },
  credit: { status: "normal", pastFalsePromise: false, strictReview: false, greenChannel: false },
  openedAt: "2026-05-06T10:00:00+08:00",
});
const decided = approvalEvent("CaseDecided", {
  caseId: "A1",
  outcome: "approved",
  auto: false,
  decidedBy: "officer-1",
  decidedOn: "2026-05-06",
  decidedAt: "2026-05-06T15:00:00+08:00",
  certificateDueOn: "2026-05-20",
  permitId: "P-1",
});

describe("审管互动 and approval's clocks (谁审批、谁监管, 国发〔2019〕18号; 行政许可法 第四十二条, 第四十四条)", () => {
  it("the case's time limit is a clock with approval's own due date; the decision stops it and starts the certificate's", async () => {
    await h.given("case-A1", opened);
    await reacted(h, "watch-case.A1", 1);
    await settled(h);
    expect(await h.module.model.clock("case.A1")).toMatchObject({
      dueOn: "2026-05-19",
      status: "running",
      department: market,
    });
    await h.given(
      "case-A1",
      approvalEvent("ExtensionGranted", {
        caseId: "A1",
        extraDays: 10,
        reason: "需要现场核查",
        approvedBy: "head-1",
        dueOn: "2026-06-02",
        grantedOn: "2026-05-08",
        grantedAt: "2026-05-08T10:00:00+08:00",
      }),
    );
    await reacted(h, "watch-case.A1", 2);
    await h.given("case-A1", decided);
    await reacted(h, "watch-case.A1", 3);
    await reacted(h, "watch-cert.A1", 1);
    await settled(h);
    expect(await h.module.model.clock("case.A1")).toMatchObject({ dueOn: "2026-06-02", status: "stopped" });
    expect(await h.module.model.clock("cert.A1")).toMatchObject({ dueOn: "2026-05-20", status: "running" });
  });

  it("a decision is pushed to the supervising department; unclaimed after 2 working days it is overdue and escalated", async () => {
    await h.given("case-A1", opened, decided);
    await reacted(h, "push-decision.A1", 1);
    await settled(h);
    expect(await h.module.model.push("decision.A1")).toMatchObject({
      approvingDepartment: market,
      supervisingDepartment: supervising,
      claimBy: "2026-05-08",
      status: "pending",
    });
    h.clock.set("2026-05-09T09:00:00+08:00"); // a make-up working day, after the claim date
    const { events } = await h
      .when({ method: "POST", url: `${base}/scheduler/run`, as: "system" })
      .thenAppended(200, wire.PushOverdue);
    expect(events[0]?.data).toMatchObject({ escalatedTo: "department-head" });
    await settled(h);
    const head = { role: "department-head" as const, department: supervising.creditCode };
    const list = await h.request({ method: "GET", url: `${base}/pushes?status=overdue`, as: head });
    expect(list.json()).toMatchObject([{ pushId: "decision.A1", overdue: { on: "2026-05-09" } }]);
    await h
      .when({
        method: "POST",
        url: `${base}/pushes/decision.A1/claim`,
        as: { role: "officer", department: market.creditCode },
      })
      .thenRefused(403);
    const { events: claimed } = await h
      .when({
        method: "POST",
        url: `${base}/pushes/decision.A1/claim`,
        as: { role: "officer", department: supervising.creditCode },
      })
      .thenAppended(201, wire.PushClaimed);
    expect(claimed[0]?.data).toMatchObject({ late: true });
    await h
      .when({
        method: "POST",
        url: `${base}/pushes/decision.A1/claim`,
        as: { role: "officer", department: supervising.creditCode },
      })
      .thenRefused(409);
  });

  it("a permit change is pushed as well", async () => {
    await h.given("case-A1", opened, decided);
    const cancelled = approvalEvent("PermitCancelled", {
      permitId: "P-1",
      reason: "有效期届满未延续",
      legalBasis: "《中华人民共和国行政许可法》第七十条",
      decidedBy: "officer-1",
      decidedOn: "2026-05-07",
      decidedAt: "2026-05-07T10:00:00+08:00",
      ground: "expired",
    });
    await h.given("permit-P-1", cancelled);
    await reacted(h, `push-change.${cancelled.id}`, 1);
    await until(async () => (await h.store.readStream(`push-change.${cancelled.id}`)).length === 1, "pushed");
    const [e] = await h.store.readStream(`push-change.${cancelled.id}`);
    expect(e?.data).toMatchObject({
      what: "permit-change",
      outcome: "cancelled",
      caseId: "A1",
      supervisingDepartment: supervising,
    });
  });
});
