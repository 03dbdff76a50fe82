import type { Actor } from "@gov/contracts";
import { NotPermitted, RuleViolation, StateConflict } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, expect, it } from "vitest";
import { at, head, MARKET, ORG, OTHER_DEPT, officer, system } from "../case/fixtures.ts";
import type { PermitCommand } from "./commands.ts";
import { permitDecider } from "./decide.ts";
import type { PermitEvent } from "./permit.ts";

const spec = deciderSpec(permitDecider);
const cmd = <T extends PermitCommand["type"]>(
  type: T,
  data: Extract<PermitCommand, { type: T }>["data"],
  date = "2026-04-01",
  actor: Actor = head,
) => ({ type, data, metadata: at(date, actor) }) as PermitCommand;

const content = {
  permitId: "PMT-APP-1",
  permitName: "食品经营许可证",
  caseId: "APP-1",
  caseNumber: "11330100002489110X3000117002000202603020001",
  matterId: "food-business-licence",
  matterVersion: 1,
  holder: ORG,
  scope: "热食类食品制售",
  validFrom: "2026-03-02",
  validUntil: "2031-03-01",
  issuingDepartment: MARKET,
  issuedOn: "2026-03-02",
  auto: false,
};
const issued: PermitEvent = {
  type: "CertificateIssued",
  data: { ...content, version: 1, certificateNo: "PMT-APP-1-01", issuedAt: "2026-03-02T10:00:00+08:00" },
};
const change = { reason: "依法处理", legalBasis: "《中华人民共和国行政许可法》" };
const revoked = (date: string, decision: string): PermitEvent => ({
  type: "PermitRevoked",
  data: {
    permitId: "PMT-APP-1",
    holder: ORG,
    matterId: "food-business-licence",
    permitName: "食品经营许可证",
    department: MARKET,
    legalBasis: change.legalBasis,
    reason: change.reason,
    revokedOn: date,
    penaltyDecision: decision,
  },
});
const decided = (date: string) => ({
  decidedBy: "head-1",
  decidedOn: date,
  decidedAt: `${date}T10:00:00+08:00`,
});

describe("the permit's certificate (行政许可法 第三十九条, 第四十四条)", () => {
  it("issues version 1 once", () => {
    spec
      .given()
      .when(cmd("IssueCertificate", content, "2026-03-02", system))
      .then({
        ...issued,
      });
    spec
      .given(issued)
      .when(cmd("IssueCertificate", content, "2026-03-02", system))
      .thenNothingHappened();
  });

  it("records delivery by EMS only with its tracking number, naming the case for the exchange's 领证 row (送达, 第四十四条)", () => {
    spec
      .given(issued)
      .when(
        cmd("DeliverCertificate", { certificateNo: "PMT-APP-1-01", method: "ems" }, "2026-03-03", officer),
      )
      .thenThrows(RuleViolation, /trackingNumber/);
    const [d] = permitDecider.decide(
      cmd(
        "DeliverCertificate",
        { certificateNo: "PMT-APP-1-01", method: "ems", trackingNumber: "EA1" },
        "2026-03-03",
        officer,
      ) as never,
      permitDecider.evolve(permitDecider.initialState(), issued),
    );
    expect(d).toMatchObject({
      type: "CertificateDelivered",
      data: { method: "ems", trackingNumber: "EA1", caseId: "APP-1" },
    });
  });
});

describe("later changes, each with reason and basis", () => {
  it("变更 makes a new certificate version with the new scope (第四十九条)", () => {
    const events = permitDecider.decide(
      cmd("AmendPermit", { ...change, scope: "热食类、冷食类食品制售" }) as never,
      permitDecider.evolve(permitDecider.initialState(), issued),
    );
    expect(events.map((e) => e.type)).toEqual(["PermitAmended", "CertificateIssued"]);
    expect(events[1]).toMatchObject({
      data: {
        version: 2,
        certificateNo: "PMT-APP-1-02",
        supersedes: "PMT-APP-1-01",
        scope: "热食类、冷食类食品制售",
      },
    });
  });

  it("延续 before expiry only, to a later date (第五十条)", () => {
    spec
      .given(issued)
      .when(cmd("RenewPermit", { ...change, validUntil: "2036-03-01" }, "2031-03-02"))
      .thenThrows(StateConflict, /expired/);
    spec
      .given(issued)
      .when(cmd("RenewPermit", { ...change, validUntil: "2030-01-01" }))
      .thenThrows(RuleViolation);
    const events = permitDecider.decide(
      cmd("RenewPermit", { ...change, validUntil: "2036-03-01" }, "2031-01-05") as never,
      permitDecider.evolve(permitDecider.initialState(), issued),
    );
    expect(events[1]).toMatchObject({
      data: { version: 2, validUntil: "2036-03-01", validFrom: "2031-01-05" },
    });
  });

  it("撤回 (第八条)", () => {
    spec
      .given(issued)
      .when(cmd("WithdrawPermit", change))
      .then({
        type: "PermitWithdrawn",
        data: { permitId: "PMT-APP-1", ...change, ...decided("2026-04-01") },
      });
  });

  it("撤销 is recorded and published as PermitRevoked for credit (第六十九条)", () => {
    spec
      .given(issued)
      .when(
        cmd("RescindPermit", { ...change, ground: "deceit-or-bribery", decisionNumber: "撤销〔2026〕1号" }),
      )
      .then(
        {
          type: "PermitRescinded",
          data: {
            permitId: "PMT-APP-1",
            ...change,
            ...decided("2026-04-01"),
            ground: "deceit-or-bribery",
            decisionNumber: "撤销〔2026〕1号",
          },
        },
        revoked("2026-04-01", "撤销〔2026〕1号"),
      );
  });

  it("吊销 publishes PermitRevoked with the penalty decision (行政处罚法 第九条); nothing changes after it", () => {
    spec
      .given(issued)
      .when(cmd("RevokePermit", { ...change, penaltyDecision: "罚〔2026〕9号" }))
      .then(revoked("2026-04-01", "罚〔2026〕9号"));
    spec
      .given(issued, revoked("2026-04-01", "x"))
      .when(cmd("AmendPermit", { ...change, scope: "x" }))
      .thenThrows(StateConflict);
  });

  it("注销 after revocation, or on expiry only once expired (第七十条)", () => {
    spec
      .given(issued, revoked("2026-04-01", "x"))
      .when(cmd("CancelPermit", { ...change, ground: "after-revocation" }))
      .then({
        type: "PermitCancelled",
        data: { permitId: "PMT-APP-1", ...change, ground: "after-revocation", ...decided("2026-04-01") },
      });
    spec
      .given(issued)
      .when(cmd("CancelPermit", { ...change, ground: "expired" }))
      .thenThrows(StateConflict);
    spec
      .given(issued)
      .when(cmd("CancelPermit", { ...change, ground: "after-revocation" }))
      .thenThrows(StateConflict);
  });

  it("only the issuing department changes a permit (403 otherwise)", () => {
    spec
      .given(issued)
      .when(cmd("WithdrawPermit", change, "2026-04-01", { ...head, department: OTHER_DEPT }))
      .thenThrows(NotPermitted);
    spec
      .given(issued)
      .when(cmd("WithdrawPermit", change, "2026-04-01", { id: "r", role: "regulator" }))
      .thenThrows(NotPermitted);
  });

  it("a finding's revocation is proposed once, and dismissed with a reason (审管联动)", () => {
    const proposal = {
      permitId: "PMT-APP-1",
      findingId: "F1",
      kind: "revoke" as const,
      reason: "无证经营",
      legalBasis: "《食品安全法》第一百二十二条",
      proposedOn: "2026-04-01",
    };
    spec
      .given(issued)
      .when(cmd("ProposeRevocation", proposal, "2026-04-01", system))
      .then({ type: "RevocationProposed", data: proposal });
    spec
      .given(issued, { type: "RevocationProposed", data: proposal })
      .when(cmd("ProposeRevocation", proposal, "2026-04-01", system))
      .thenNothingHappened();
    spec
      .given(issued, { type: "RevocationProposed", data: proposal })
      .when(cmd("DismissRevocation", { findingId: "F1", reason: "情节轻微" }))
      .then({
        type: "RevocationDismissed",
        data: {
          permitId: "PMT-APP-1",
          findingId: "F1",
          reason: "情节轻微",
          decidedBy: "head-1",
          decidedOn: "2026-04-01",
        },
      });
  });
});
