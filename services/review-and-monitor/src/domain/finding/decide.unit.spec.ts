import { NotPermitted, RuleViolation, StateConflict } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, it } from "vitest";
import { findingDecider } from "./decide.ts";
import type { FindingEvent } from "./finding.ts";

const market = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };
const regulator = { id: "r1", role: "regulator" as const, department: market.creditCode };
const spec = deciderSpec(findingDecider, {
  metadata: { now: "2026-05-06T10:00:00+08:00", actor: regulator },
});
const violation = {
  findingId: "F1",
  subject: { subjectId: "O91330106MA2H3K7P1X", kind: "organisation" as const },
  department: market,
  legalBasis: "《中华人民共和国食品安全法》第一百二十四条",
  description: "经营超过保质期的食品",
  foundOn: "2026-05-05",
  severity: "serious" as const,
  permitId: "P-1",
};
const found: FindingEvent[] = [
  { type: "ViolationFound", data: violation },
  {
    type: "MeasureRequested",
    data: {
      findingId: "F1",
      measure: "withdraw-permit",
      permitId: "P-1",
      legalBasis: violation.legalBasis,
      requestedOn: "2026-05-06",
    },
  },
];

describe("findings (审管互动: 国办发〔2020〕42号 §三(三); 行政处罚法)", () => {
  it("a violation publishes ViolationFound and the measure it calls for (吊销: 行政处罚法 第九条)", () => {
    spec
      .given()
      .when({
        type: "RecordViolation",
        data: { violation, measure: { measure: "withdraw-permit", permitId: "P-1" } },
      })
      .then(...found);
  });
  it("a request to 撤销/注销/吊销 names the permit", () => {
    const { permitId: _p, ...noPermit } = violation;
    spec
      .given()
      .when({ type: "RecordViolation", data: { violation: noPermit, measure: { measure: "revoke-permit" } } })
      .thenThrows(RuleViolation);
  });
  it("谁主管、谁监管: a regulator of another department is refused", () => {
    spec
      .given()
      .when({
        type: "RecordViolation",
        data: { violation, measure: { measure: "penalty" } },
        metadata: {
          now: "2026-05-06T10:00:00+08:00",
          actor: { ...regulator, department: "11330100002489999X" },
        },
      })
      .thenThrows(NotPermitted);
  });
  it("行政处罚法 第四十八条: the penalty decision is recorded once, for publication", () => {
    const decision = {
      findingId: "F1",
      decisionNumber: "杭市监罚〔2026〕12号",
      penalties: ["fine" as const],
      fineYuan: 50_000,
      legalBasis: violation.legalBasis,
      decidedOn: "2026-05-06",
    };
    const decided: FindingEvent = {
      type: "PenaltyDecided",
      data: { ...decision, subject: violation.subject, department: market },
    };
    spec
      .given(...found)
      .when({ type: "DecidePenalty", data: decision })
      .then(decided);
    spec
      .given(...found, decided)
      .when({ type: "DecidePenalty", data: decision })
      .thenThrows(StateConflict);
  });
});
