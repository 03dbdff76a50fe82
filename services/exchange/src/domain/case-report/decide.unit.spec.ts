import type { CaseStepReported } from "@gov/contracts";
import { NotFound, StateConflict } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, expect, it } from "vitest";
import type { ReportCommand } from "./commands.ts";
import { caseReportDecider } from "./decide.ts";
import type { CaseBase, ReportEvent } from "./report.ts";

const spec = deciderSpec(caseReportDecider, {
  metadata: { now: "2026-11-02T09:00:00+08:00", actor: { id: "exchange-feed", role: "system" } },
});

const CASE_NUMBER = `${"1".repeat(31)}202611020001`;
const base = (channel: CaseBase["channel"] = "window"): CaseBase => ({
  applicationId: "A1",
  matter: {
    matterId: "food-business-licence",
    version: 1,
    name: "食品经营许可",
    implementationCode: "1".repeat(31),
    department: { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" },
    region: "330100",
  },
  applicant: { subjectId: "O91330106MA2H00000X", kind: "organisation" },
  channel,
});
const src = (eventId: string, type: string, occurredAt = "2026-11-01T10:00:00+08:00") => ({
  eventId,
  type,
  occurredAt,
});
const submitted = "gov.intake.application.submitted.v1";
const accepted = "gov.intake.application.accepted.v1";

const submit = (channel: CaseBase["channel"] = "window"): ReportCommand => ({
  type: "ReportSubmission",
  data: { source: src("e1", submitted), case: base(channel), receivedOn: "2026-11-01" },
  metadata: { now: "2026-11-01T10:00:01+08:00", actor: { id: "exchange-feed", role: "system" } },
});
const reported = (
  over: Partial<CaseStepReported> & Pick<CaseStepReported, "step" | "details">,
): ReportEvent => ({
  type: "CaseStepReported",
  data: {
    rowId: `A1:${over.step}`,
    caseKey: "A1",
    ...base(),
    stepName: "",
    version: 1,
    occurredAt: "2026-11-01T10:00:00+08:00",
    source: { eventId: "e1", type: submitted },
    reason: "reported",
    ...over,
  } as CaseStepReported,
});
const application = reported({
  step: "application",
  stepName: "申办",
  details: { step: "application", receivedOn: "2026-11-01" },
});
const accept: ReportCommand = {
  type: "ReportAcceptance",
  data: {
    source: src("e3", accepted, "2026-11-02T09:00:00+08:00"),
    caseNumber: CASE_NUMBER,
    acceptedOn: "2026-11-02",
    mode: "complete",
    promisedTimeLimitDays: 10,
    dueOn: "2026-11-16",
  },
  metadata: { now: "2026-11-02T09:00:01+08:00", actor: { id: "exchange-feed", role: "system" } },
};

describe("case report: one row per lifecycle step, re-reported with a higher version", () => {
  it("申办: a submission at the window is one row, keyed by the application id before acceptance", () => {
    spec.given().when(submit("window")).then(application);
  });

  it("网上预受理: a submission through the online hall or the mobile app is also pre-accepted online", () => {
    for (const channel of ["online", "mobile"] as const) {
      const events = spec.given().when(submit(channel)).events();
      expect(events.map((e) => [e.data.step, e.data.stepName, e.data.version, e.data.caseKey])).toEqual([
        ["application", "申办", 1, "A1"],
        ["online-pre-acceptance", "网上预受理", 1, "A1"],
      ]);
    }
    const window = spec.given().when(submit("proxy")).events();
    expect(window.map((e) => e.data.step)).toEqual(["application"]);
  });

  it("受理 (行政许可法 第三十二条): the 办件编号 is known now; every earlier row is re-reported under it as version 2 (the corrected event)", () => {
    const online = spec.given().when(submit("online")).events();
    const events = spec
      .given(...online)
      .when(accept)
      .events();
    expect(
      events.map((e) => [e.data.step, e.data.version, e.data.caseKey, e.data.reason, e.data.source.eventId]),
    ).toEqual([
      ["application", 2, CASE_NUMBER, "case-number-assigned", "e3"],
      ["online-pre-acceptance", 2, CASE_NUMBER, "case-number-assigned", "e3"],
      ["acceptance", 1, CASE_NUMBER, "reported", "e3"],
    ]);
    // A re-report keeps what the step said and when it happened; only the key and the version change.
    expect(events[0]?.data.details).toEqual(online[0]?.data.details);
    expect(events[0]?.data.occurredAt).toBe(online[0]?.data.occurredAt);
    expect(events[2]?.data.details).toEqual({
      step: "acceptance",
      acceptedOn: "2026-11-02",
      mode: "complete",
      promisedTimeLimitDays: 10,
      dueOn: "2026-11-16",
    });
  });

  it("补交告知 then 补交受理 (一次性告知, 行政许可法 第三十二条), then a second notice re-reports the notice row as version 2", () => {
    const notice = (eventId: string, noticeNumber: number): ReportCommand => ({
      type: "ReportCorrectionNotice",
      data: {
        source: src(eventId, "gov.intake.application.correction-requested.v1"),
        noticeDate: "2026-11-01",
        noticeNumber,
        items: [{ materialId: "m1", name: "营业执照", problem: "missing" }],
      },
      metadata: { now: "2026-11-01T11:00:00+08:00", actor: { id: "exchange-feed", role: "system" } },
    });
    const first = spec.given(application).when(notice("e2", 1)).events();
    expect(first.map((e) => [e.data.step, e.data.stepName, e.data.version])).toEqual([
      ["correction-notice", "补交告知", 1],
    ]);
    const supplied = spec
      .given(application, ...first)
      .when({
        type: "ReportSupplement",
        data: {
          source: src("e3", "gov.intake.application.materials-supplemented.v1"),
          supplementedOn: "2026-11-03",
          materialIds: ["m1"],
        },
      })
      .events();
    expect(supplied.map((e) => [e.data.step, e.data.stepName, e.data.version])).toEqual([
      ["correction-acceptance", "补交受理", 1],
    ]);
    const second = spec
      .given(application, ...first, ...supplied)
      .when(notice("e4", 2))
      .events();
    expect(second.map((e) => [e.data.step, e.data.version])).toEqual([["correction-notice", 2]]);
  });

  it("不予受理 carries the legal basis (行政许可法 第三十二条), not the free-text reason", () => {
    const events = spec
      .given(application)
      .when({
        type: "ReportRefusal",
        data: {
          source: src("e2", "gov.intake.application.rejected.v1"),
          rejectedOn: "2026-11-02",
          legalBasis: "《中华人民共和国行政许可法》第三十二条",
        },
      })
      .events();
    expect(events.map((e) => [e.data.step, e.data.stepName, e.data.caseKey, e.data.details])).toEqual([
      [
        "refusal",
        "不予受理",
        "A1",
        { step: "refusal", rejectedOn: "2026-11-02", legalBasis: "《中华人民共和国行政许可法》第三十二条" },
      ],
    ]);
  });

  it("a source event reported before reports nothing again (a redelivery)", () => {
    spec.given(application).when(submit()).thenNothingHappened();
    const once = spec.given(application).when(accept).events();
    spec
      .given(application, ...once)
      .when(accept)
      .thenNothingHappened();
  });

  it("a step before its submission was reported is refused; a second acceptance is a conflict", () => {
    spec.given().when(accept).thenThrows(NotFound);
    const once = spec.given(application).when(accept).events();
    spec
      .given(application, ...once)
      .when({ ...accept, data: { ...accept.data, source: src("e9", accepted) } })
      .thenThrows(StateConflict);
  });
});

describe("case report: approval's steps after 受理", () => {
  const accepted = spec.given(application).when(accept).events();
  const given = [application, ...accepted];
  const meta = { now: "2026-11-05T09:00:00+08:00", actor: { id: "exchange-feed", role: "system" as const } };

  it("承办 / 审核 / 批准: each completed step is its own row under the 办件编号", () => {
    const rows = (["undertaking", "review", "approval"] as const).map((step, stepIndex) => {
      const [event] = spec
        .given(...given)
        .when({
          type: "ReportApprovalStep",
          data: {
            source: src(`s${stepIndex}`, "gov.approval.case.step-completed.v1"),
            step,
            stepIndex,
            completedAt: "2026-11-05T09:00:00+08:00",
            recommendation: "approve",
          },
          metadata: meta,
        })
        .events();
      return [event?.data.step, event?.data.stepName, event?.data.version, event?.data.caseKey];
    });
    expect(rows).toEqual([
      ["undertaking", "承办", 1, CASE_NUMBER],
      ["review", "审核", 1, CASE_NUMBER],
      ["approval", "批准", 1, CASE_NUMBER],
    ]);
  });

  it("特别程序申请 / 特别程序结果 (行政许可法 第四十五条) and 办结", () => {
    const started = spec
      .given(...given)
      .when({
        type: "ReportSpecialProcedureStart",
        data: {
          source: src("p1", "gov.approval.case.special-procedure-started.v1"),
          procedureId: "P1",
          procedure: "expert-review",
          name: "专家评审",
          startedOn: "2026-11-05",
          expectedEndOn: "2026-11-12",
          legalBasis: "《中华人民共和国行政许可法》第四十五条",
        },
        metadata: meta,
      })
      .events();
    const ended = spec
      .given(...given, ...started)
      .when({
        type: "ReportSpecialProcedureEnd",
        data: {
          source: src("p2", "gov.approval.case.special-procedure-ended.v1"),
          procedureId: "P1",
          endedOn: "2026-11-10",
          daysExcluded: 4,
        },
        metadata: meta,
      })
      .events();
    const concluded = spec
      .given(...given, ...started, ...ended)
      .when({
        type: "ReportConclusion",
        data: {
          source: src("d1", "gov.approval.case.decided.v1"),
          decidedOn: "2026-11-11",
          outcome: "approved",
          auto: false,
          withinLimit: true,
        },
        metadata: meta,
      })
      .events();
    expect([...started, ...ended, ...concluded].map((e) => [e.data.stepName, e.data.version])).toEqual([
      ["特别程序申请", 1],
      ["特别程序结果", 1],
      ["办结", 1],
    ]);
  });

  it("a step of a case whose acceptance is not reported yet is refused (the bus retries it)", () => {
    spec
      .given(application)
      .when({
        type: "ReportConclusion",
        data: {
          source: src("d1", "gov.approval.case.decided.v1"),
          decidedOn: "2026-11-11",
          outcome: "refused",
          auto: false,
        },
        metadata: meta,
      })
      .thenThrows(NotFound, /acceptance is not reported yet/);
  });

  describe("领证 (颁发、送达, 行政许可法 第四十四条): after 办结", () => {
    const conclude = (outcome: "approved" | "refused"): ReportCommand => ({
      type: "ReportConclusion",
      data: {
        source: src("d1", "gov.approval.case.decided.v1"),
        decidedOn: "2026-11-11",
        outcome,
        auto: false,
      },
      metadata: meta,
    });
    const deliver = (eventId: string, method: "window" | "ems" = "ems"): ReportCommand => ({
      type: "ReportDelivery",
      data: {
        source: src(eventId, "gov.approval.permit.certificate-delivered.v1", "2026-11-12T10:00:00+08:00"),
        method,
        certificateNo: "PMT-A1-01",
        deliveredOn: "2026-11-12",
      },
      metadata: meta,
    });
    const approved = spec
      .given(...given)
      .when(conclude("approved"))
      .events();

    it("a delivered certificate is the 领证 row under the 办件编号: method, certificate number and date", () => {
      const [row, ...more] = spec
        .given(...given, ...approved)
        .when(deliver("v1"))
        .events();
      expect(more).toEqual([]);
      expect(row?.data).toMatchObject({
        rowId: "A1:delivery",
        caseKey: CASE_NUMBER,
        step: "delivery",
        stepName: "领证",
        version: 1,
        occurredAt: "2026-11-12T10:00:00+08:00",
        details: { step: "delivery", method: "ems", certificateNo: "PMT-A1-01", deliveredOn: "2026-11-12" },
        source: { eventId: "v1", type: "gov.approval.permit.certificate-delivered.v1" },
        reason: "reported",
      });
    });

    it("a later delivery re-reports the row as version 2; the same delivery again reports nothing", () => {
      const first = spec
        .given(...given, ...approved)
        .when(deliver("v1"))
        .events();
      spec
        .given(...given, ...approved, ...first)
        .when(deliver("v1"))
        .thenNothingHappened();
      const second = spec
        .given(...given, ...approved, ...first)
        .when(deliver("v2", "window"))
        .events();
      expect(second.map((e) => [e.data.step, e.data.version, e.data.details])).toEqual([
        [
          "delivery",
          2,
          { step: "delivery", method: "window", certificateNo: "PMT-A1-01", deliveredOn: "2026-11-12" },
        ],
      ]);
    });

    it("before the case's 办结 is reported the delivery is refused (the bus retries); after a 不予 decision it is a conflict", () => {
      spec
        .given(...given)
        .when(deliver("v1"))
        .thenThrows(NotFound, /conclusion is not reported yet/);
      spec
        .given(application)
        .when(deliver("v1"))
        .thenThrows(NotFound, /acceptance is not reported yet/);
      const refused = spec
        .given(...given)
        .when(conclude("refused"))
        .events();
      spec
        .given(...given, ...refused)
        .when(deliver("v1"))
        .thenThrows(StateConflict, /concluded as refused/);
    });
  });
});
