import { seedCalendar } from "@gov/calendar";
import { NotPermitted, StateConflict } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, it } from "vitest";
import { pushDecider } from "./decide.ts";
import type { PushEvent } from "./push.ts";

const calendar = seedCalendar();
const decider = pushDecider({
  addWorkingDays: (d, n) => calendar.addWorkingDays(d, n),
  claimDays: 2,
  escalateTo: "department-head",
});
const system = { id: "s", role: "system" as const };
const on = (
  date: string,
  actor: { id: string; role: "system" | "officer"; department?: string } = system,
) => ({
  now: `${date}T09:00:00+08:00`,
  actor,
});
const spec = deciderSpec(decider, { metadata: on("2026-05-06") });
const approving = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };
const supervising = { creditCode: "11330100MB0000001X", name: "杭州市综合行政执法局" };
const pushed = {
  pushId: "decision.A1",
  what: "decision" as const,
  sourceEvent: { type: "gov.approval.case.decided.v1", id: "e1" },
  caseId: "A1",
  permitId: "P1",
  outcome: "approved",
  approvingDepartment: approving,
  supervisingDepartment: supervising,
  receivedOn: "2026-05-06",
};
// 2026-05-06 + 2 working days = 2026-05-08 (国务院办公厅 2026 年部分节假日安排).
const received: PushEvent = { type: "PushReceived", data: { ...pushed, claimBy: "2026-05-08" } };
const officer = { id: "o", role: "officer" as const, department: supervising.creditCode };

describe("审管互动: decisions pushed to the supervising department (谁审批、谁监管, 国发〔2019〕18号)", () => {
  it("a push is a task to claim within 2 working days; a redelivery is nothing new", () => {
    spec.given().when({ type: "ReceivePush", data: pushed }).then(received);
    spec.given(received).when({ type: "ReceivePush", data: pushed }).thenNothingHappened();
  });
  it("only an officer of the supervising department claims it, once", () => {
    spec
      .given(received)
      .when({ type: "ClaimPush", data: {}, metadata: on("2026-05-07", officer) })
      .then({ type: "PushClaimed", data: { pushId: "decision.A1", claimedOn: "2026-05-07", late: false } });
    spec
      .given(received)
      .when({
        type: "ClaimPush",
        data: {},
        metadata: on("2026-05-07", { ...officer, department: approving.creditCode }),
      })
      .thenThrows(NotPermitted);
    spec
      .given(received, {
        type: "PushClaimed",
        data: { pushId: "decision.A1", claimedOn: "2026-05-07", late: false },
      })
      .when({ type: "ClaimPush", data: {}, metadata: on("2026-05-07", officer) })
      .thenThrows(StateConflict);
  });
  it("unclaimed after its date: overdue and escalated to the level above, once", () => {
    spec
      .given(received)
      .when({ type: "EvaluatePush", data: {}, metadata: on("2026-05-08") })
      .thenNothingHappened();
    const overdue: PushEvent = {
      type: "PushOverdue",
      data: {
        pushId: "decision.A1",
        supervisingDepartment: supervising,
        claimBy: "2026-05-08",
        overdueOn: "2026-05-09",
        escalatedTo: "department-head",
      },
    };
    spec
      .given(received)
      .when({ type: "EvaluatePush", data: {}, metadata: on("2026-05-09") })
      .then(overdue);
    spec
      .given(received, overdue)
      .when({ type: "EvaluatePush", data: {}, metadata: on("2026-05-11") })
      .thenNothingHappened();
  });
});
