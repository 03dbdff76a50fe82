import { matterElements, matterTypes } from "@gov/contracts";
import { validateCreditCode } from "@gov/identifiers";
import { describe, expect, it } from "vitest";
import { mergeMaterials } from "../domain/bundle/decide.ts";
import { bundleDependencies } from "../domain/bundle/dependencies.ts";
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

  const membersOf = (b: (typeof demoBundles)[number]) =>
    b.matterIds.map((id) => {
      const m = demoMatters.find((x) => x.matterId === id);
      if (!m) throw new Error(`${b.bundleId}: no demo matter ${id}`);
      return { matterId: id, version: 1, suspended: false, elements: m.elements };
    });

  it("has the 企业开办 and 新生儿出生 bundles across departments, led by one of them, asking shared materials once", () => {
    expect(demoBundles.map((b) => b.name)).toEqual(["企业开办一件事", "新生儿出生一件事"]);
    for (const b of demoBundles) {
      const matters = membersOf(b);
      const depts = new Set(matters.map((m) => m.elements.implementingDepartment.creditCode));
      expect(depts.size, b.bundleId).toBeGreaterThanOrEqual(3);
      expect(depts.has(b.leadDepartment.creditCode), b.bundleId).toBe(true);
      // 一套材料 (乐山市加快推进政务服务标准化规范化便利化工作方案 (2022) 三(三)1): fewer materials to bring than the matters list one by one.
      const { dependencies, problems } = bundleDependencies(matters, b.dependencies);
      expect(problems, b.bundleId).toEqual([]);
      const listed = matters.reduce((n, m) => n + m.elements.materials.length, 0);
      const merged = mergeMaterials(matters, dependencies);
      expect(merged.length, b.bundleId).toBeLessThan(listed);
      expect(
        merged.some((x) => x.satisfies.length >= 2),
        b.bundleId,
      ).toBe(true);
    }
  });

  it("carries the bundles' real dependencies: 营业执照 from 企业设立登记; 出生医学证明 and the newborn's 户口 from their issuing members (国发〔2022〕5号: 政府部门核发的材料一律免于提交)", () => {
    const [opening, newborn] = demoBundles.map((b) => {
      const matters = membersOf(b);
      const { dependencies } = bundleDependencies(matters, b.dependencies);
      return { dependencies, asked: mergeMaterials(matters, dependencies).map((m) => m.name) };
    });
    expect(opening?.dependencies).toEqual(
      [
        "seal-engraving-filing",
        "invoice-issuance",
        "employer-social-insurance-registration",
        "housing-fund-employer-registration",
      ].map((matterId) => ({ matterId, materialId: "LIC", producedBy: "enterprise-establishment" })),
    );
    expect(opening?.asked).not.toContain("营业执照");
    expect(newborn?.dependencies).toEqual([
      {
        matterId: "birth-household-registration",
        materialId: "BMC",
        producedBy: "birth-medical-certificate",
      },
      { matterId: "newborn-medical-insurance", materialId: "HH", producedBy: "birth-household-registration" },
      { matterId: "newborn-medical-insurance", materialId: "BMC", producedBy: "birth-medical-certificate" },
      { matterId: "social-security-card", materialId: "HH", producedBy: "birth-household-registration" },
    ]);
    expect(newborn?.asked).not.toContain("出生医学证明");
    // the parents' own 户口簿 is still asked once, for 出生登记
    expect(newborn?.asked.filter((name) => name === "居民户口簿")).toHaveLength(1);
  });
});
