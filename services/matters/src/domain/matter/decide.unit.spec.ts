import type { DepartmentRef } from "@gov/contracts";
import {
  type CommandMetadata,
  fold,
  NotFound,
  NotPermitted,
  RuleViolation,
  StateConflict,
} from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, expect, it } from "vitest";
import { matterDecider } from "./decide.ts";
import { departmentCode, validElements } from "./fixtures.ts";
import type { MatterEvent } from "./matter.ts";

const now = "2026-03-02T09:00:00+08:00";
const admin: CommandMetadata = { now, actor: { id: "catalog-admin", role: "admin" } };
const elements = validElements();
const dept: DepartmentRef = {
  creditCode: elements.implementingDepartment.creditCode,
  name: elements.implementingDepartment.name,
};
const officerOf = (creditCode: string): CommandMetadata => ({
  now,
  actor: { id: "officer-1", role: "officer", department: creditCode },
});
const newDept: DepartmentRef = {
  creditCode: departmentCode("11440200MB2C09876"),
  name: "韶关市政务服务数据管理局",
};

const spec = deciderSpec(matterDecider, { metadata: admin });

const drafted: MatterEvent = { type: "MatterDrafted", data: { matterId: "food", version: 1, elements } };
const claimed: MatterEvent = { type: "MatterClaimed", data: { matterId: "food", department: dept } };
const published: MatterEvent = {
  type: "MatterPublished",
  data: { matterId: "food", version: 1, effectiveFrom: now, elements },
};

describe("matter decider: drafting (lifecycle: draft → published version → suspended → retired)", () => {
  it("drafts a new matter as version 1", () => {
    spec
      .given()
      .when({ type: "DraftMatter", data: { matterId: "food", elements } })
      .then(drafted);
  });

  it("refuses a second draft of an existing matter (409)", () => {
    spec
      .given(drafted)
      .when({ type: "DraftMatter", data: { matterId: "food", elements } })
      .thenThrows(StateConflict);
  });

  it("rejects invalid elements naming each field under elements.*", () => {
    const bad = validElements({ promisedTimeLimitDays: 40, allowsAutoApproval: true });
    const decision = spec.given().when({ type: "DraftMatter", data: { matterId: "food", elements: bad } });
    let thrown: unknown;
    try {
      decision.events();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(RuleViolation);
    expect((thrown as RuleViolation).problems.map((p) => p.field)).toEqual(
      expect.arrayContaining(["elements.promisedTimeLimitDays", "elements.allowsAutoApproval"]),
    );
  });

  it("editing a published matter starts draft version 2; the published version stays", () => {
    const revised = validElements({ promisedTimeLimitDays: 12 });
    spec
      .given(drafted, claimed, published)
      .when({ type: "ReviseMatter", data: { elements: revised } })
      .then({ type: "MatterDrafted", data: { matterId: "food", version: 2, elements: revised } });
  });

  it("revising a draft keeps its version", () => {
    const revised = validElements({ promisedTimeLimitDays: 12 });
    spec
      .given(drafted)
      .when({ type: "ReviseMatter", data: { elements: revised } })
      .then({ type: "MatterDraftRevised", data: { matterId: "food", version: 1, elements: revised } });
  });

  it("does not let an edit change the implementing department (that is a transfer)", () => {
    const moved = validElements({
      implementingDepartment: { ...elements.implementingDepartment, creditCode: newDept.creditCode },
      implementationCode: `${newDept.creditCode}3${elements.basicCode}`,
    });
    spec
      .given(drafted)
      .when({ type: "ReviseMatter", data: { elements: moved } })
      .thenThrows(RuleViolation);
  });

  it("answers 404 for a command on a matter that does not exist", () => {
    spec.given().when({ type: "PublishMatter", data: {} }).thenThrows(NotFound);
  });
});

describe("matter decider: 认领 and publication", () => {
  it("lets the implementing department claim its matter", () => {
    spec
      .given(drafted)
      .when({ type: "ClaimMatter", data: {}, metadata: officerOf(dept.creditCode) })
      .then(claimed);
  });

  it("refuses a claim by another department (403)", () => {
    spec
      .given(drafted)
      .when({ type: "ClaimMatter", data: {}, metadata: officerOf(newDept.creditCode) })
      .thenThrows(NotPermitted);
  });

  it("refuses a claim by an administrator, or by an officer whose token names no department (separation of duties, GB/T 22239-2019; fail closed)", () => {
    spec.given(drafted).when({ type: "ClaimMatter", data: {}, metadata: admin }).thenThrows(NotPermitted);
    spec
      .given(drafted)
      .when({
        type: "ClaimMatter",
        data: {},
        metadata: { now, actor: { id: "officer-2", role: "officer" } },
      })
      .thenThrows(NotPermitted);
    spec
      .given(drafted)
      .when({
        type: "ClaimMatter",
        data: {},
        metadata: { now, actor: { id: "head-1", role: "department-head", department: dept.creditCode } },
      })
      .thenThrows(NotPermitted);
  });

  it("refuses to publish before the department has claimed the matter", () => {
    spec.given(drafted).when({ type: "PublishMatter", data: {} }).thenThrows(/认领/);
  });

  it("publishes the draft as an immutable numbered version carrying every element", () => {
    spec.given(drafted, claimed).when({ type: "PublishMatter", data: {} }).then(published);
  });

  it("publishes version 2 superseding version 1", () => {
    const v2 = validElements({ promisedTimeLimitDays: 12 });
    const draft2: MatterEvent = {
      type: "MatterDrafted",
      data: { matterId: "food", version: 2, elements: v2 },
    };
    spec
      .given(drafted, claimed, published, draft2)
      .when({ type: "PublishMatter", data: { effectiveFrom: "2026-04-01T00:00:00+08:00" } })
      .then({
        type: "MatterPublished",
        data: {
          matterId: "food",
          version: 2,
          supersedes: 1,
          effectiveFrom: "2026-04-01T00:00:00+08:00",
          elements: v2,
        },
      });
  });

  it("has nothing to publish without a draft", () => {
    spec
      .given(drafted, claimed, published)
      .when({ type: "PublishMatter", data: {} })
      .thenThrows(StateConflict);
  });
});

describe("matter decider: suspension and retirement", () => {
  const suspended: MatterEvent = {
    type: "MatterSuspended",
    data: { matterId: "food", version: 1, reason: "法规修订" },
  };

  it("suspends and resumes a published matter", () => {
    spec
      .given(drafted, claimed, published)
      .when({ type: "SuspendMatter", data: { reason: "法规修订" } })
      .then(suspended);
    spec
      .given(drafted, claimed, published, suspended)
      .when({ type: "ResumeMatter", data: {} })
      .then({ type: "MatterResumed", data: { matterId: "food", version: 1 } });
  });

  it("cannot suspend a matter that was never published, nor twice", () => {
    spec
      .given(drafted)
      .when({ type: "SuspendMatter", data: { reason: "x" } })
      .thenThrows(StateConflict);
    spec
      .given(drafted, claimed, published, suspended)
      .when({ type: "SuspendMatter", data: { reason: "x" } })
      .thenThrows(StateConflict);
  });

  it("refuses every command on a retired matter", () => {
    const retired: MatterEvent = { type: "MatterRetired", data: { matterId: "food", reason: "事项取消" } };
    spec
      .given(drafted, claimed, published, retired)
      .when({ type: "ReviseMatter", data: { elements } })
      .thenThrows(/retired/);
  });
});

describe("matter decider: transfer between departments after a reorganisation (机构改革职能划转)", () => {
  const requested: MatterEvent = {
    type: "MatterTransferRequested",
    data: { matterId: "food", from: dept, to: newDept, reason: "机构改革" },
  };

  it("records a transfer request; the old department stays responsible until confirmation", () => {
    spec
      .given(drafted, claimed, published)
      .when({ type: "RequestTransfer", data: { to: newDept, reason: "机构改革" } })
      .then(requested);
    const state = fold(matterDecider, [drafted, claimed, published, requested]);
    expect(state).toMatchObject({ status: "published", department: { creditCode: dept.creditCode } });
  });

  it("refuses a transfer to the same department", () => {
    spec
      .given(drafted, claimed, published)
      .when({ type: "RequestTransfer", data: { to: dept, reason: "x" } })
      .thenThrows(RuleViolation);
  });

  it("only the receiving department's officer confirms, never an administrator", () => {
    spec
      .given(drafted, claimed, published, requested)
      .when({ type: "ConfirmTransfer", data: {}, metadata: officerOf(dept.creditCode) })
      .thenThrows(NotPermitted);
    spec
      .given(drafted, claimed, published, requested)
      .when({ type: "ConfirmTransfer", data: {}, metadata: admin })
      .thenThrows(NotPermitted);
  });

  it("on confirmation re-publishes under the new department with a new 实施编码", () => {
    const events = spec
      .given(drafted, claimed, published, requested)
      .when({ type: "ConfirmTransfer", data: {}, metadata: officerOf(newDept.creditCode) })
      .events();
    expect(events[0]).toEqual({
      type: "MatterTransferConfirmed",
      data: { matterId: "food", from: dept, to: newDept },
    });
    const republished = events[1];
    expect(republished?.type).toBe("MatterPublished");
    if (republished?.type !== "MatterPublished") return;
    expect(republished.data.version).toBe(2);
    expect(republished.data.supersedes).toBe(1);
    expect(republished.data.elements.implementingDepartment.creditCode).toBe(newDept.creditCode);
    expect(republished.data.elements.implementationCode).toBe(`${newDept.creditCode}3${elements.basicCode}`);
  });

  it("carries a pending draft forward to the version after the transfer", () => {
    const draft2: MatterEvent = { type: "MatterDrafted", data: { matterId: "food", version: 2, elements } };
    const events = spec
      .given(drafted, claimed, published, draft2, requested)
      .when({ type: "ConfirmTransfer", data: {}, metadata: officerOf(newDept.creditCode) })
      .events();
    expect(events.map((e) => e.type)).toEqual([
      "MatterTransferConfirmed",
      "MatterPublished",
      "MatterDrafted",
    ]);
    const last = events[2];
    expect(last?.type === "MatterDrafted" && last.data.version).toBe(3);
  });

  it("blocks publication while a transfer is pending, and can be cancelled", () => {
    const draft2: MatterEvent = { type: "MatterDrafted", data: { matterId: "food", version: 2, elements } };
    spec
      .given(drafted, claimed, published, requested, draft2)
      .when({ type: "PublishMatter", data: {} })
      .thenThrows(/transfer/);
    spec
      .given(drafted, claimed, published, requested)
      .when({ type: "CancelTransfer", data: { reason: "撤回" } })
      .then({
        type: "MatterTransferCancelled",
        data: { matterId: "food", from: dept, to: newDept, reason: "撤回" },
      });
  });
});
