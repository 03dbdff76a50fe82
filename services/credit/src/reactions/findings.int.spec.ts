import { randomUUID } from "node:crypto";
import { approvalEventTypes, reviewAndMonitorEventTypes } from "@gov/contracts";
import type { NewEvent } from "@gov/eventsourcing";
import { creditCodeCheckCharacter } from "@gov/identifiers";
import type { BusEvent } from "@gov/messaging";
import { serviceTestApp } from "@gov/runtime/testing";
import { useBackend } from "@gov/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { creditModule } from "../module.ts";
import { reactToFinding } from "./findings.ts";

useBackend("sqlite", "credit reactions over the embedded bus (sqlite)", true);

const CODE = `91330106MA2H3K7P1${creditCodeCheckCharacter("91330106MA2H3K7P1")}`;
const subject = {
  subjectId: `O${CODE}`,
  kind: "organisation" as const,
  creditCode: CODE,
  name: "杭州示例餐饮管理有限公司",
};
const market = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };

/** An event as review-and-monitor or approval will append it to its own stream. */
function foreign(
  source: string,
  stream: string,
  type: string,
  data: object,
): { stream: string; event: NewEvent } {
  return {
    stream,
    event: {
      id: randomUUID(),
      type,
      source,
      time: "2026-05-06T10:00:00+08:00",
      data: data as NewEvent["data"],
      actor: { id: "inspector-7", role: "regulator" },
    },
  };
}

const violation = (severity: "minor" | "general" | "serious") =>
  foreign("gov.review-and-monitor", `finding-${randomUUID()}`, reviewAndMonitorEventTypes.ViolationFound, {
    findingId: `F-${severity}`,
    subject,
    department: market,
    legalBasis: "《中华人民共和国食品安全法》第一百二十四条",
    description: "经营超过保质期的食品",
    foundOn: "2026-05-05",
    severity,
  });

const start = () => serviceTestApp((deps) => creditModule(deps, { schedulerIntervalMs: 0 }));
let h: Awaited<ReturnType<typeof start>>;
beforeEach(async () => {
  h = await start();
});
afterEach(async () => {
  await h.dispose();
});

describe("credit reacts to other services' findings (the measures list's reactions)", () => {
  it("a serious violation and a 吊销 become proposed black-list entries with due process; a minor one is not listed", async () => {
    const revoked = foreign("gov.approval", `permit-${randomUUID()}`, approvalEventTypes.PermitRevoked, {
      permitId: "JY33301060012345",
      holder: subject,
      matterId: "food-business-licence",
      permitName: "食品经营许可证",
      department: market,
      legalBasis: "《中华人民共和国食品安全法》第一百三十五条",
      reason: "一年内累计三次因违法受到罚款处罚",
      revokedOn: "2026-05-06",
      penaltyDecision: "杭市监罚〔2026〕101号",
    });
    for (const f of [violation("minor"), violation("serious"), revoked]) {
      await h.store.append(f.stream, [f.event], "no-stream");
    }
    await expect
      .poll(async () => (await h.module.registry.get(subject.subjectId))?.listings.length ?? 0, {
        timeout: 10_000,
      })
      .toBe(2);
    const view = await h.module.registry.get(subject.subjectId);
    expect(view?.organisation).toMatchObject({ creditCode: CODE, name: subject.name });
    expect(view?.listings.map((l) => [l.list, l.severity, l.stage, l.source.kind])).toEqual([
      ["black", "serious", "notified", "event"],
      ["black", "serious", "notified", "event"],
    ]);
    expect(view?.listings.map((l) => l.source).map((s) => ("eventType" in s ? s.eventType : ""))).toEqual([
      reviewAndMonitorEventTypes.ViolationFound,
      approvalEventTypes.PermitRevoked,
    ]);
  });

  it("a redelivered finding changes nothing (ids derived from the finding's event id)", async () => {
    const f = violation("general");
    const event: BusEvent = {
      ...f.event,
      subject: f.stream,
      streamversion: 0,
      position: "0",
      hash: "",
      prevhash: "",
      specversion: "1.0",
    };
    await reactToFinding(h.module, event, h.clock.now());
    const once = (await h.newEvents()).length;
    await reactToFinding(h.module, event, h.clock.now());
    expect((await h.newEvents()).length).toBe(once);
    const state = await h.module.subjects.load(subject.subjectId);
    expect(state.status === "registered" && Object.keys(state.listings)).toHaveLength(1);
  });
});
