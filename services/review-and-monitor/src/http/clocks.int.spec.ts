import { seedCalendar } from "@gov/calendar";
import { reviewAndMonitorEventTypes as wire } from "@gov/contracts";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  accepted,
  givenCase,
  type Harness,
  intakeEvent,
  market,
  reacted,
  settled,
  startApp,
} from "./fixtures.ts";

useBackend("sqlite", "review-and-monitor: deadline warnings and findings (sqlite)", true);

let h: Harness;
beforeEach(async () => {
  h = await startApp();
});
afterEach(async () => {
  await h.dispose();
});
const base = "/review-and-monitor";
const runScheduler = () => h.request({ method: "POST", url: `${base}/scheduler/run`, as: "system" });
const get = async (url: string, as: Parameters<Harness["request"]>[0]["as"] = "supervisor") => {
  const r = await h.request({ method: "GET", url: `${base}${url}`, as });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};

describe("时限预警 on intake's clocks (行政许可法 第三十二条, 第四十二条; 容缺: 国发〔2022〕5号)", () => {
  it("a yellow and then a red warning as the clock moves, each raised once; cleared when the case moves on", async () => {
    await givenCase(h, "A1");
    // Accepted on Wednesday 2026-05-06; 10 working days end on 2026-05-19 (Saturday 05-09 is a make-up working day).
    const dueOn = seedCalendar().addWorkingDays("2026-05-06", 10);
    expect(dueOn).toBe("2026-05-19");
    await h.given("application-A1", accepted("A1", dueOn));
    await reacted(h, "watch-limit.A1", 1);
    await reacted(h, "watch-art32.A1", 2); // started, and stopped by the acceptance (no warning was raised)
    await settled(h);
    const limit = await h.module.model.clock("limit.A1");
    expect(limit).toMatchObject({ dueOn, status: "running", department: market });

    await h.when({ method: "POST", url: `${base}/scheduler/run`, as: "system" }).thenAppended(200);
    h.clock.set("2026-05-15T09:00:00+08:00"); // two working days left (05-18, 05-19)
    await h
      .when({ method: "POST", url: `${base}/scheduler/run`, as: "system" })
      .thenAppended(200, wire.DeadlineWarningRaised);
    await h.when({ method: "POST", url: `${base}/scheduler/run`, as: "system" }).thenAppended(200);
    await settled(h);
    expect(await get(`/warnings?level=yellow&department=${market.creditCode}`)).toMatchObject([
      { clockId: "limit.A1", warnings: [{ level: "yellow", workingDaysLeft: 2 }] },
    ]);
    expect(await get("/overdue")).toEqual([]);

    h.clock.set("2026-05-20T09:00:00+08:00");
    await settled(h);
    expect(await get("/overdue")).toMatchObject([{ clockId: "limit.A1" }]);
    const { events } = await h
      .when({ method: "POST", url: `${base}/scheduler/run`, as: "system" })
      .thenAppended(200, wire.DeadlineWarningRaised);
    expect(events[0]?.data).toMatchObject({ level: "red", workingDaysLeft: -1 });
    await settled(h);
    expect(await get("/warnings?level=red")).toHaveLength(1);

    // 催办, addressed to the handling department.
    await h
      .when({
        method: "POST",
        url: `${base}/clocks/limit.A1/urge`,
        as: "supervisor",
        body: { note: "请于今日内办结" },
      })
      .thenAppended(201, wire.HandlingUrged);
    await h
      .when({ method: "POST", url: `${base}/clocks/limit.A1/urge`, as: "regulator", body: { note: "x" } })
      .thenRefused(403);

    await h.given(
      "application-A1",
      intakeEvent("ApplicationWithdrawn", {
        applicationId: "A1",
        reason: "申请人撤回",
        withdrawnOn: "2026-05-21",
      }),
    );
    await reacted(h, "watch-limit.A1", 7); // started, yellow, red, urged + yellow cleared, red cleared, stopped
    await settled(h);
    expect(await get("/warnings")).toEqual([]);
    expect(await get("/overdue")).toEqual([]);
    const kpis = await get("/kpis");
    expect(kpis.warnings).toEqual({ yellow: 1, red: 1 });
  });

  it("容缺: the supply date is a clock until the materials are supplied in full", async () => {
    await givenCase(h, "A2");
    await h.given("application-A2", accepted("A2", "2026-05-20", "2026-05-15"));
    await reacted(h, "watch-supply.A2", 1);
    await h.given(
      "application-A2",
      intakeEvent("DeferredMaterialsSupplied", {
        applicationId: "A2",
        materials: [],
        suppliedOn: "2026-05-08",
        complete: true,
      }),
    );
    await reacted(h, "watch-supply.A2", 2);
    await settled(h);
    expect(await h.module.model.clock("supply.A2")).toMatchObject({ status: "stopped", dueOn: "2026-05-15" });
  });

  it("the scheduler is the platform's: other roles are refused", async () => {
    for (const role of ["supervisor", "officer", "auditor"] as const)
      expect((await h.request({ method: "POST", url: `${base}/scheduler/run`, as: role })).statusCode).toBe(
        403,
      );
    expect((await runScheduler()).statusCode).toBe(200);
  });
});

describe("inspections, violations and penalty decisions (审管互动; 行政处罚法 第四十八条)", () => {
  const regulator = { role: "regulator" as const, department: market.creditCode };
  const subject = {
    subjectId: "O91330106MA2H3K7P1X",
    kind: "organisation" as const,
    name: "杭州示例餐饮管理有限公司",
  };
  const violation = {
    findingId: "F-1",
    subject,
    department: market,
    legalBasis: "《中华人民共和国食品安全法》第一百三十四条",
    description: "一年内累计三次因违法受到罚款处罚",
    foundOn: "2026-05-05",
    severity: "serious",
    permitId: "JY33301060012345",
    measure: "withdraw-permit",
  };
  it("a violation publishes ViolationFound (v1, as credit reads it) and the measure; the penalty decision is published once", async () => {
    await h
      .when({
        method: "POST",
        url: `${base}/inspections`,
        as: regulator,
        body: {
          inspectionId: "I-1",
          subject,
          department: market,
          method: "on-site",
          inspectedOn: "2026-05-05",
          result: "violation-found",
          findingId: "F-1",
        },
      })
      .thenAppended(201, wire.InspectionRecorded);
    const { events } = await h
      .when({ method: "POST", url: `${base}/findings`, as: regulator, body: violation })
      .thenAppended(201, { type: wire.ViolationFound, subject: "finding-F-1" }, wire.MeasureRequested);
    const { measure: _m, ...v1 } = violation;
    expect(events[0]?.data).toEqual(v1);
    await h
      .when({ method: "POST", url: `${base}/findings`, as: regulator, body: violation })
      .thenRefused(409);
    await h
      .when({
        method: "POST",
        url: `${base}/findings`,
        as: { role: "regulator", department: "11330100002489999X" },
        body: { ...violation, findingId: "F-2" },
      })
      .thenRefused(403);
    await h
      .when({
        method: "POST",
        url: `${base}/findings`,
        as: regulator,
        body: { ...violation, findingId: "F-3", permitId: undefined, measure: "revoke-permit" },
      })
      .thenRefused(400, ["body.permitId"]);
    const penalty = {
      decisionNumber: "杭市监罚〔2026〕101号",
      penalties: ["fine", "permit-withdrawn"],
      fineYuan: 50000,
      legalBasis: violation.legalBasis,
      decidedOn: "2026-05-06",
    };
    await h
      .when({ method: "POST", url: `${base}/findings/F-1/penalty`, as: regulator, body: penalty })
      .thenAppended(201, wire.PenaltyDecided);
    await h
      .when({ method: "POST", url: `${base}/findings/F-1/penalty`, as: regulator, body: penalty })
      .thenRefused(409);
    await settled(h);
    expect(await get("/findings")).toMatchObject([
      { findingId: "F-1", measure: "withdraw-permit", penalty: { decisionNumber: penalty.decisionNumber } },
    ]);
  });
});
