import { mattersEventTypes as t } from "@gov/contracts";
import { describe, expect, it } from "vitest";
import { departmentCode, validElements } from "../domain/matter/fixtures.ts";
import { Catalog } from "./catalog.ts";
import { catalogKpis } from "./kpis.ts";

const time = "2026-03-02T09:00:00+08:00";
const dept = { creditCode: departmentCode(), name: "市场监管局" };

/** A catalog with one matter in force (validElements: M01 and M03 from the applicant, M02 营业执照 issued by a department). */
function catalogWith(...more: { type: string; data: unknown }[]) {
  const catalog = new Catalog();
  const elements = validElements();
  for (const event of [
    { type: t.MatterDrafted, data: { matterId: "food", version: 1, elements } },
    { type: t.MatterPublished, data: { matterId: "food", version: 1, effectiveFrom: time, elements } },
    ...more,
  ])
    catalog.apply({ ...event, time });
  return catalog;
}
const baseline = {
  type: t.BaselineRecorded,
  data: {
    measure: "materials-asked",
    version: 1,
    count: 5,
    asOf: "2018-06-30",
    source: { title: "测试数据" },
  },
};
const bundle = (status: "published" | "retired") => [
  {
    type: t.BundlePublished,
    data: {
      bundleId: "b",
      name: "测试一件事",
      version: 1,
      leadDepartment: dept,
      matters: [
        { matterId: "food", version: 1, department: dept },
        { matterId: "other", version: 1, department: dept },
      ],
      materials: [],
      dependencies: [{ matterId: "food", materialId: "M01", producedBy: "other" }],
    },
  },
  ...(status === "retired" ? [{ type: t.BundleRetired, data: { bundleId: "b", reason: "合并" } }] : []),
];

describe("materials reduced (国办发〔2018〕45号: 企业和群众到政府办事提供的材料减少60%以上)", () => {
  it("counts a material as no longer asked when a department issues it or a published bundle produces it", () => {
    expect(catalogKpis(catalogWith(baseline)).materialsReduced).toMatchObject({
      listed: 3,
      notAsked: { total: 1, government: 1, certificate: 0, producedInBundle: 0 },
      asked: 2,
      count: 3,
      rate: 0.6,
      met: true,
    });
    expect(catalogKpis(catalogWith(baseline, ...bundle("published"))).materialsReduced).toMatchObject({
      notAsked: { total: 2, government: 1, producedInBundle: 1 },
      asked: 1,
      rate: 0.8,
    });
    // a retired bundle produces nothing any more
    expect(catalogKpis(catalogWith(baseline, ...bundle("retired"))).materialsReduced.asked).toBe(2);
  });

  it("has no rate without a baseline, and a negative one when more is asked than before", () => {
    expect(catalogKpis(catalogWith()).materialsReduced).toMatchObject({
      baseline: null,
      rate: null,
      met: null,
    });
    const fewer = { ...baseline, data: { ...baseline.data, count: 1 } };
    expect(catalogKpis(catalogWith(fewer)).materialsReduced).toMatchObject({
      count: -1,
      rate: -1,
      met: false,
    });
  });
});
