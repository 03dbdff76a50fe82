import { matterElements } from "@gov/contracts";
import { describe, expect, it } from "vitest";
import { departmentCode, validElements } from "./fixtures.ts";
import { checkMatterElements } from "./invariants.ts";

const fields = (e: Parameters<typeof checkMatterElements>[0]) => checkMatterElements(e).map((p) => p.field);

describe("matter element invariants", () => {
  it("accepts the valid fixture, which also parses with the published contract", () => {
    expect(matterElements.parse(validElements())).toBeTruthy();
    expect(checkMatterElements(validElements())).toEqual([]);
  });

  it("rejects a promised limit above the statutory one (承诺办结时限 ≤ 法定办结时限)", () => {
    expect(fields(validElements({ promisedTimeLimitDays: 25 }))).toContain("promisedTimeLimitDays");
  });

  it("requires 0 days for 即办件 and ≥ 1 for 承诺件", () => {
    expect(fields(validElements({ caseKind: "on-the-spot", promisedTimeLimitDays: 3 }))).toContain(
      "promisedTimeLimitDays",
    );
    expect(
      fields(
        validElements({ caseKind: "promised", promisedTimeLimitDays: 0, processSteps: [{ name: "受理" }] }),
      ),
    ).toContain("promisedTimeLimitDays");
    expect(
      checkMatterElements(
        validElements({
          caseKind: "on-the-spot",
          promisedTimeLimitDays: 0,
          processSteps: [{ name: "受理" }],
        }),
      ),
    ).toEqual([]);
  });

  it("requires 0 on-site visits and online handling for 全程网办 (depth Ⅳ)", () => {
    expect(fields(validElements({ onlineDepth: 4, onSiteVisits: 1 }))).toContain("onSiteVisits");
    expect(fields(validElements({ onlineDepth: 4, onSiteVisits: 0, handlingForms: ["window"] }))).toContain(
      "handlingForms",
    );
  });

  it("allows 容缺后补 only on non-main materials (容缺受理, 乐山市加快推进政务服务标准化规范化便利化工作方案 (2022) 三(三)2)", () => {
    const e = validElements();
    const materials = e.materials.map((m) => (m.id === "M03" ? { ...m, main: true } : m));
    expect(fields({ ...e, materials })).toContain("materials[2].necessity");
  });

  it("requires a deferrable material when 容缺受理 is allowed", () => {
    const e = validElements();
    const materials = e.materials.map((m) => ({ ...m, necessity: "required" as const }));
    expect(fields({ ...e, materials })).toContain("allowsDeferredMaterials");
  });

  it("refuses 告知承诺 on high-risk matters (乐山市加快推进政务服务标准化规范化便利化工作方案 (2022) 三(三)2)", () => {
    expect(fields(validElements({ allowsInformedCommitment: true }))).toContain("allowsInformedCommitment");
    expect(fields(validElements({ allowsInformedCommitment: true, riskDomains: [] }))).not.toContain(
      "allowsInformedCommitment",
    );
  });

  it("refuses 秒批 on a matter with special procedures (特别程序)", () => {
    expect(fields(validElements({ allowsAutoApproval: true }))).toContain("allowsAutoApproval");
    expect(fields(validElements({ allowsAutoApproval: true, specialProcedures: [] }))).toEqual([]);
  });

  it("checks 基本编码 and 实施编码 (政务服务事项基本目录及实施清单 编码要求: 12 and 31 characters)", () => {
    expect(fields(validElements({ basicCode: "99011700200" }))).toContain("basicCode");
    expect(fields(validElements({ basicCode: "990117002000" }))).toContain("basicCode");
    expect(fields(validElements({ implementationCode: "X".repeat(31) }))).toContain("implementationCode");
    expect(fields(validElements({ implementationCode: "short" }))).toContain("implementationCode");
  });

  it("accepts a department code that fails the checksum (early codes) but rejects a malformed one", () => {
    const early = `${departmentCode().slice(0, 17)}${departmentCode().endsWith("0") ? "1" : "0"}`;
    const basicCode = "000117002000";
    const e = validElements();
    const withEarly = {
      ...e,
      implementingDepartment: { ...e.implementingDepartment, creditCode: early },
      implementationCode: `${early}3${basicCode}`,
    };
    expect(checkMatterElements(withEarly)).toEqual([]);
    const malformed = {
      ...withEarly,
      implementingDepartment: { ...e.implementingDepartment, creditCode: "11440200MB2C0123IO" },
    };
    expect(fields(malformed)).toContain("implementingDepartment.creditCode");
  });

  it("reports every problem at once", () => {
    const problems = checkMatterElements(
      validElements({ promisedTimeLimitDays: 30, allowsAutoApproval: true, allowsInformedCommitment: true }),
    );
    expect(problems.map((p) => p.field)).toEqual(
      expect.arrayContaining(["promisedTimeLimitDays", "allowsAutoApproval", "allowsInformedCommitment"]),
    );
  });
});
