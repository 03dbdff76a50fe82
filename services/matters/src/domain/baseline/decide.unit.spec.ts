import { RuleViolation } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, expect, it } from "vitest";
import type { BaselineEvent, RecordBaseline } from "./baseline.ts";
import { baselineDecider } from "./decide.ts";

const metadata = { now: "2026-03-02T09:00:00+08:00", actor: { id: "admin-1", role: "admin" as const } };
const spec = deciderSpec(baselineDecider, { metadata });
/** Test data, not a real city's figure. */
const source = { title: "测试市政务服务事项申请材料清单（2018年版，测试数据）", number: "测试〔2018〕1号" };
const record = (data: Partial<RecordBaseline["data"]> = {}) => ({
  type: "RecordBaseline" as const,
  data: { measure: "materials-asked" as const, count: 120, asOf: "2018-06-30", source, ...data },
});
const v1: BaselineEvent = {
  type: "BaselineRecorded",
  data: { measure: "materials-asked", version: 1, count: 120, asOf: "2018-06-30", source },
};
const fields = (command: ReturnType<typeof record>, given: BaselineEvent[] = []) => {
  try {
    spec
      .given(...given)
      .when(command)
      .events();
  } catch (error) {
    if (error instanceof RuleViolation) return error.problems.map((p) => p.field);
    throw error;
  }
  return [];
};

describe("the materials baseline (国办发〔2018〕45号: 企业和群众到政府办事提供的材料减少60%以上, measured against it)", () => {
  it("records the count of materials asked before the reform, with its date and source document, as version 1", () => {
    spec.given().when(record()).then(v1);
  });

  it("stores nothing when the same figure is recorded again", () => {
    spec
      .given(v1)
      .when(record({ source: { ...source, title: ` ${source.title} ` } }))
      .thenNothingHappened();
  });

  it("a different figure is a correction: the next version, which must say why", () => {
    expect(fields(record({ count: 130 }), [v1])).toEqual(["reason"]);
    spec
      .given(v1)
      .when(record({ count: 130, reason: "漏计了两个部门的材料" }))
      .then({
        type: "BaselineRecorded",
        data: { ...v1.data, version: 2, count: 130, supersedesVersion: 1, reason: "漏计了两个部门的材料" },
      });
  });

  it("refuses a count below 1 and a date after today (China time), naming the fields", () => {
    expect(fields(record({ count: 0, asOf: "2026-03-03" }))).toEqual(["count", "asOf"]);
    // 2026-03-02T09:00+08:00 is still 2026-03-02 in China, although it is 01:00 UTC
    expect(fields(record({ asOf: "2026-03-02" }))).toEqual([]);
  });
});
