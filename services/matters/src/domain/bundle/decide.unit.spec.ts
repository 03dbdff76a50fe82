import type { MatterElements } from "@gov/contracts";
import { type CommandMetadata, NotFound, RuleViolation, StateConflict } from "@gov/eventsourcing";
import { deciderSpec } from "@gov/eventsourcing/testing";
import { describe, expect, it } from "vitest";
import { departmentCode, validElements } from "../matter/fixtures.ts";
import type { BundledMatter, BundleEvent } from "./bundle.ts";
import { bundleDecider, mergeMaterials } from "./decide.ts";

const metadata: CommandMetadata = { now: "2026-03-02T09:00:00+08:00", actor: { id: "admin", role: "admin" } };
const market = departmentCode("11440200MB2C01234");
const tax = departmentCode("11440200MB2C05555");

function matter(matterId: string, creditCode: string, materials: MatterElements["materials"]): BundledMatter {
  const e = validElements();
  return {
    matterId,
    version: 1,
    suspended: false,
    elements: {
      ...e,
      implementingDepartment: {
        ...e.implementingDepartment,
        creditCode,
        name: creditCode === market ? "市场监管局" : "税务局",
      },
      implementationCode: `${creditCode}3${e.basicCode}`,
      materials,
    },
  };
}

const idCard = (id: string) => ({
  id,
  name: "法定代表人身份证件",
  form: "copy" as const,
  medium: "electronic" as const,
  copies: 1,
  source: "government" as const,
  necessity: "required" as const,
  main: true,
  replacedByCertificate: "居民身份证",
  sharedKey: "id-card",
});
const own = (id: string, name: string) => ({
  id,
  name,
  form: "original" as const,
  medium: "paper-or-electronic" as const,
  copies: 1,
  source: "applicant" as const,
  necessity: "required" as const,
  main: true,
});

const licence = matter("business-licence", market, [idCard("M01"), own("M02", "公司章程")]);
const invoices = matter("invoice", tax, [idCard("T01"), own("T02", "发票领用申请表")]);
const spec = deciderSpec(bundleDecider, { metadata });
const define = (matters: BundledMatter[], lead = market) => ({
  type: "DefineBundle" as const,
  data: {
    bundleId: "enterprise-startup",
    name: "企业开办",
    leadDepartment: { creditCode: lead, name: "市场监管局" },
    matters,
  },
});
const retire = (reason: string) => ({ type: "RetireBundle" as const, data: { reason } });

describe("一件事 bundles (乐山市加快推进政务服务标准化规范化便利化工作方案, 2022, 三(三)1: 一表申请、一套材料)", () => {
  it("asks a material shared by several matters once", () => {
    const merged = mergeMaterials([licence, invoices]);
    expect(merged.find((m) => m.key === "id-card")?.satisfies).toEqual([
      { matterId: "business-licence", materialId: "M01" },
      { matterId: "invoice", materialId: "T01" },
    ]);
    expect(merged.map((m) => m.key)).toEqual(["id-card", "business-licence:M02", "invoice:T02"]);
  });

  it("publishes version 1 with the matters' versions, departments and the merged list", () => {
    const [event] = spec
      .given()
      .when(define([licence, invoices]))
      .events();
    expect(event?.type).toBe("BundlePublished");
    if (event?.type !== "BundlePublished") return;
    expect(event.data.version).toBe(1);
    expect(event.data.matters.map((m) => m.department.creditCode)).toEqual([market, tax]);
    expect(event.data.materials).toHaveLength(3);
  });

  it("redefining a bundle publishes the next version", () => {
    const history: BundleEvent[] = spec
      .given()
      .when(define([licence, invoices]))
      .events();
    const [next] = spec
      .given(...history)
      .when(define([licence, invoices]))
      .events();
    expect(next?.type === "BundlePublished" && next.data.version).toBe(2);
  });

  it("needs two different matters, none suspended, and a lead department that implements one of them", () => {
    spec
      .given()
      .when(define([licence]))
      .thenThrows(RuleViolation);
    spec
      .given()
      .when(define([licence, licence]))
      .thenThrows(/twice/);
    spec
      .given()
      .when(define([licence, { ...invoices, suspended: true }]))
      .thenThrows(/suspended/);
    spec
      .given()
      .when(define([licence, invoices], departmentCode("11440200MB2C07777")))
      .thenThrows(/牵头部门/);
  });

  it("retires once; unknown bundles are 404", () => {
    const defined = spec
      .given()
      .when(define([licence, invoices]))
      .events();
    const retired = spec
      .given(...defined)
      .when(retire("合并"))
      .then({ type: "BundleRetired", data: { bundleId: "enterprise-startup", reason: "合并" } });
    spec
      .given(...defined, ...retired)
      .when(retire("x"))
      .thenThrows(StateConflict);
    spec.given().when(retire("x")).thenThrows(NotFound);
  });
});
