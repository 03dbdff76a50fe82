import { createHash, createHmac } from "node:crypto";
import { seedCalendar } from "@gov/calendar";
import { NotPermitted, RuleViolation, StateConflict } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, expect, it } from "vitest";
import { verificationDecider } from "./decide.ts";
import { samplingDraw } from "./sampling.ts";
import type { VerificationEvent } from "./verification.ts";

const calendar = seedCalendar();
const rules = {
  addWorkingDays: (d: string, n: number) => calendar.addWorkingDays(d, n),
  workingDaysBetween: (a: string, b: string) => calendar.workingDaysBetween(a, b),
  yellowDays: 2,
  verificationDays: 20,
  seed: "audit-seed-2026",
  defaults: { method: "written" as const, samplingRatio: 1 },
};
const decider = verificationDecider(rules);
const at = (date: string, actor: { id: string; role: "system" | "regulator"; department?: string }) => ({
  now: `${date}T09:00:00+08:00`,
  actor,
});
const system = { id: "s", role: "system" as const };
const spec = deciderSpec(decider, { metadata: at("2026-05-06", system) });
const market = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };
const regulator = { id: "r", role: "regulator" as const, department: market.creditCode };
const task = {
  verificationId: "P-1",
  permitId: "P-1",
  caseId: "A1",
  matterId: "food-business-licence",
  matterVersion: 1,
  subject: { subjectId: "91330100MA0000000X", kind: "organisation" as const },
  approvingDepartment: market,
  department: market,
  openedOn: "2026-05-06",
};
// What an auditor computes by hand, with node:crypto only, once the month's seed is revealed.
const hmacHex = (key: string, text: string) => createHmac("sha256", key).update(text).digest("hex");
const monthSeed = hmacHex(rules.seed, "sampling-period:2026-05");
const seed = hmacHex(monthSeed, "P-1");
const draw = createHmac("sha256", seed).update("P-1").digest().readUInt32BE(0) / 2 ** 32;
const commitment = {
  scheme: "period-seed-hmac-sha256" as const,
  period: "2026-05",
  periodSeedSha256: createHash("sha256").update(monthSeed).digest("hex"),
};
// 2026-05-06 + 20 working days (国务院办公厅 2026 年部分节假日安排).
const dueOn = calendar.addWorkingDays("2026-05-06", 20);
const opened: VerificationEvent = {
  type: "PromiseVerificationOpened",
  data: {
    ...task,
    method: "on-site",
    samplingRatio: 1,
    rulesFrom: "matter",
    sampling: { algorithm: "hmac-sha256-32", seed, draw, sampled: true, commitment },
    dueOn,
  },
};

describe("告知承诺 post-verification (国办发〔2020〕42号 国务院办公厅关于全面推行证明事项告知承诺制的指导意见: 事后核查)", () => {
  it("the draw is HMAC-SHA-256(seed, permit) → first 32 bits ÷ 2³²: an auditor re-derives it from the event", () => {
    expect(samplingDraw(seed, "P-1")).toBe(draw);
    expect(samplingDraw("another-seed", "P-1")).not.toBe(draw);
  });
  it("commit-reveal: a task records its own seed and a commitment to its month's, never the configured secret", () => {
    const [event] = decider.decide(
      { type: "OpenVerification", data: task, metadata: at("2026-05-06", system) },
      decider.initialState(),
    );
    const sampling = event?.type === "PromiseVerificationOpened" ? event.data.sampling : undefined;
    expect(sampling).toEqual({ algorithm: "hmac-sha256-32", seed, draw, sampled: true, commitment });
    expect(JSON.stringify(event)).not.toContain(rules.seed);
    expect(JSON.stringify(event)).not.toContain(monthSeed);
    // Another permit of the same month has another seed: one task's seed predicts no other draw.
    const [other] = decider.decide(
      {
        type: "OpenVerification",
        data: { ...task, verificationId: "P-2", permitId: "P-2" },
        metadata: at("2026-05-06", system),
      },
      decider.initialState(),
    );
    const otherSampling = other?.type === "PromiseVerificationOpened" ? other.data.sampling : undefined;
    expect(otherSampling?.seed).toBe(hmacHex(monthSeed, "P-2"));
    expect(otherSampling?.commitment).toEqual(commitment);
    // The next month commits to another seed.
    const [june] = decider.decide(
      {
        type: "OpenVerification",
        data: { ...task, openedOn: "2026-06-01" },
        metadata: at("2026-06-01", system),
      },
      decider.initialState(),
    );
    const juneSampling = june?.type === "PromiseVerificationOpened" ? june.data.sampling : undefined;
    expect(juneSampling?.commitment?.period).toBe("2026-06");
    expect(juneSampling?.commitment?.periodSeedSha256).not.toBe(commitment.periodSeedSha256);
  });
  it("every permit gets a task following the matter's method and ratio; a redelivery is nothing new", () => {
    spec
      .given()
      .when({ type: "OpenVerification", data: { ...task, rules: { method: "on-site", samplingRatio: 1 } } })
      .then(opened);
    spec
      .given(opened)
      .when({ type: "OpenVerification", data: { ...task, rules: { method: "on-site", samplingRatio: 1 } } })
      .thenNothingHappened();
  });
  it("a matter naming no method takes the configured default; a ratio of 0 draws none (the draw is recorded)", () => {
    spec
      .given()
      .when({
        type: "OpenVerification",
        data: { ...task, rules: { method: "public-notice", samplingRatio: 0 } },
      })
      .then({
        type: "PromiseVerificationOpened",
        data: {
          ...task,
          method: "public-notice",
          samplingRatio: 0,
          rulesFrom: "matter",
          sampling: { algorithm: "hmac-sha256-32", seed, draw, sampled: false, commitment },
        },
      });
    spec
      .given()
      .when({ type: "OpenVerification", data: task })
      .then({
        type: "PromiseVerificationOpened",
        data: { ...opened.data, method: "written", rulesFrom: "default" },
      });
  });
  it("sampled when the draw is below the ratio, on either side of it", () => {
    for (const [ratio, sampled] of [
      [draw + 1e-9, true],
      [draw, false],
    ] as const)
      spec
        .given()
        .when({
          type: "OpenVerification",
          data: { ...task, rules: { method: "written", samplingRatio: ratio } },
        })
        .then({
          type: "PromiseVerificationOpened",
          data: {
            ...task,
            method: "written",
            samplingRatio: ratio,
            rulesFrom: "matter",
            sampling: { algorithm: "hmac-sha256-32", seed, draw, sampled, commitment },
            ...(sampled ? { dueOn } : {}),
          },
        });
  });
  it("the outcome is recorded once by a regulator of the supervising department; false names its finding", () => {
    spec
      .given(opened)
      .when({
        type: "ConcludeVerification",
        data: { outcome: "verified" },
        metadata: at("2026-05-08", regulator),
      })
      .then({
        type: "PromiseVerificationConcluded",
        data: { verificationId: "P-1", outcome: "verified", doneOn: "2026-05-08", late: false },
      });
    spec
      .given(opened)
      .when({
        type: "ConcludeVerification",
        data: { outcome: "verified" },
        metadata: at("2026-05-08", { ...regulator, department: "11330100MB0000001X" }),
      })
      .thenThrows(NotPermitted);
    spec
      .given(opened)
      .when({
        type: "ConcludeVerification",
        data: { outcome: "false" },
        metadata: at("2026-05-08", regulator),
      })
      .thenThrows(RuleViolation);
    const concluded: VerificationEvent = {
      type: "PromiseVerificationConcluded",
      data: { verificationId: "P-1", outcome: "false", doneOn: "2026-05-08", late: false, findingId: "FP-1" },
    };
    spec
      .given(opened)
      .when({
        type: "ConcludeVerification",
        data: { outcome: "false", findingId: "FP-1" },
        metadata: at("2026-05-08", regulator),
      })
      .then(concluded);
    spec
      .given(opened, concluded)
      .when({
        type: "ConcludeVerification",
        data: { outcome: "verified" },
        metadata: at("2026-05-08", regulator),
      })
      .thenThrows(StateConflict);
  });
  it("its deadline warns yellow, then red, once each; the outcome clears them and is recorded late", () => {
    const yellowDay = calendar.addWorkingDays("2026-05-06", 18);
    const yellow: VerificationEvent = {
      type: "DeadlineWarningRaised",
      data: {
        clockId: "verify.P-1",
        level: "yellow",
        department: market,
        dueOn,
        workingDaysLeft: 2,
        raisedOn: yellowDay,
      },
    };
    spec
      .given(opened)
      .when({ type: "EvaluateVerification", data: {}, metadata: at(yellowDay, system) })
      .then(yellow);
    spec
      .given(opened, yellow)
      .when({ type: "EvaluateVerification", data: {}, metadata: at(yellowDay, system) })
      .thenNothingHappened();
    const late = calendar.addWorkingDays(dueOn, 1);
    const red: VerificationEvent = {
      type: "DeadlineWarningRaised",
      data: {
        clockId: "verify.P-1",
        level: "red",
        department: market,
        dueOn,
        workingDaysLeft: -1,
        raisedOn: late,
      },
    };
    spec
      .given(opened, yellow)
      .when({ type: "EvaluateVerification", data: {}, metadata: at(late, system) })
      .then(red);
    spec
      .given(opened, yellow, red)
      .when({ type: "ConcludeVerification", data: { outcome: "verified" }, metadata: at(late, regulator) })
      .then(
        {
          type: "DeadlineWarningCleared",
          data: { clockId: "verify.P-1", level: "yellow", clearedOn: late, reason: "verified: verified" },
        },
        {
          type: "DeadlineWarningCleared",
          data: { clockId: "verify.P-1", level: "red", clearedOn: late, reason: "verified: verified" },
        },
        {
          type: "PromiseVerificationConcluded",
          data: { verificationId: "P-1", outcome: "verified", doneOn: late, late: true },
        },
      );
  });
});
