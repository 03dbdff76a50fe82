import { matterElements, matterTypes } from "@gov/contracts";
import { validateCreditCode } from "@gov/identifiers";
import { describe, expect, it } from "vitest";
import { mergeMaterials } from "../domain/bundle/decide.ts";
import { checkMatterElements } from "../domain/matter/invariants.ts";
import { demoBundles, demoMatters } from "./seed.ts";

describe("the demo catalog (at least 20 matters, 6 departments, every on-application type, 2 bundles)", () => {
  it("has at least 20 matters of at least 6 departments, covering every on-application type (the eight 依申请 kinds)", () => {
    expect(demoMatters.length).toBeGreaterThanOrEqual(20);
    const depts = new Set(demoMatters.map((m) => m.elements.implementingDepartment.creditCode));
    expect(depts.size).toBeGreaterThanOrEqual(6);
    expect(new Set(demoMatters.map((m) => m.elements.type))).toEqual(new Set(Object.keys(matterTypes)));
  });

  it.each(demoMatters.map((m) => [m.matterId, m] as const))(
    "%s satisfies the contract and every invariant",
    (_, m) => {
      expect(matterElements.safeParse(m.elements).error).toBeUndefined();
      expect(checkMatterElements(m.elements)).toEqual([]);
    },
  );

  it("gives every department a 统一社会信用代码 whose check character is right (GB 32100)", () => {
    for (const m of demoMatters) {
      const result = validateCreditCode(m.elements.implementingDepartment.creditCode);
      expect(result.valid && result.checksumOk, m.matterId).toBe(true);
    }
  });

  it("uses unique matter ids and unique 实施编码", () => {
    expect(new Set(demoMatters.map((m) => m.matterId)).size).toBe(demoMatters.length);
    expect(new Set(demoMatters.map((m) => m.elements.implementationCode)).size).toBe(demoMatters.length);
  });

  it("has the 企业开办 and 新生儿出生 bundles across departments, led by one of them, asking shared materials once", () => {
    expect(demoBundles.map((b) => b.name)).toEqual(["企业开办一件事", "新生儿出生一件事"]);
    for (const b of demoBundles) {
      const matters = b.matterIds.map((id) => {
        const m = demoMatters.find((x) => x.matterId === id);
        if (!m) throw new Error(`${b.bundleId}: no demo matter ${id}`);
        return { matterId: id, version: 1, suspended: false, elements: m.elements };
      });
      const depts = new Set(matters.map((m) => m.elements.implementingDepartment.creditCode));
      expect(depts.size, b.bundleId).toBeGreaterThanOrEqual(3);
      expect(depts.has(b.leadDepartment.creditCode), b.bundleId).toBe(true);
      // 一套材料 (乐山市加快推进政务服务标准化规范化便利化工作方案 (2022) 三(三)1): fewer materials to bring than the matters list one by one.
      const listed = matters.reduce((n, m) => n + m.elements.materials.length, 0);
      const merged = mergeMaterials(matters);
      expect(merged.length, b.bundleId).toBeLessThan(listed);
      expect(
        merged.some((x) => x.satisfies.length >= 3),
        b.bundleId,
      ).toBe(true);
    }
  });
});
