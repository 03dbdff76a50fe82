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

const produces = (m: BundledMatter, name: string, type: "certificate" | "other" = "certificate") => ({
  ...m,
  elements: { ...m.elements, result: { type, name } },
});
const needs = (id: string, name: string) => ({
  ...idCard(id),
  name,
  replacedByCertificate: name,
  sharedKey: `cert-${name}`,
});
/** The problems' fields of a refused definition. */
const refused = (command: ReturnType<typeof define>) => {
  try {
    spec.given().when(command).events();
  } catch (error) {
    if (error instanceof RuleViolation) return error.problems;
    throw error;
  }
  throw new Error("expected a RuleViolation");
};
const withDeps = (
  command: ReturnType<typeof define>,
  dependencies: { matterId: string; materialId: string; producedBy: string }[],
) => ({ ...command, data: { ...command.data, dependencies } });

describe("一件事 bundles whose members need each other's results (国发〔2022〕5号 政府部门核发的材料一律免于提交; 国发〔2024〕3号)", () => {
  // 企业设立登记 issues the 营业执照 that 发票领用 asks for: inside the bundle it is produced, never asked.
  const establishment = produces(licence, "营业执照");
  const invoice = matter("invoice", tax, [needs("LIC", "营业执照"), idCard("T01")]);

  it("derives the dependency from the producer's certificate and leaves the produced material off the merged list", () => {
    const [event] = spec
      .given()
      .when(define([establishment, invoice]))
      .events();
    if (event?.type !== "BundlePublished") throw new Error("expected BundlePublished");
    expect(event.data.dependencies).toEqual([
      { matterId: "invoice", materialId: "LIC", producedBy: "business-licence" },
    ]);
    expect(event.data.materials.map((m) => m.key)).toEqual(["id-card", "business-licence:M02"]);
    expect(event.data.materials.flatMap((m) => m.satisfies)).not.toContainEqual({
      matterId: "invoice",
      materialId: "LIC",
    });
  });

  it("derives nothing from a result that is not a certificate, nor when no member produces the material", () => {
    const [event] = spec
      .given()
      .when(define([produces(licence, "营业执照", "other"), invoice]))
      .events();
    expect(event?.type === "BundlePublished" && event.data.dependencies).toEqual([]);
    expect(event?.type === "BundlePublished" && event.data.materials.map((m) => m.key)).toContain(
      "cert-营业执照",
    );
  });

  it("takes an explicit dependency where the catalog data cannot show it", () => {
    // 发票领用申请表 (T02) has no certificate to match: the request names its producer.
    const [event] = spec
      .given()
      .when(
        withDeps(define([establishment, invoices]), [
          { matterId: "invoice", materialId: "T02", producedBy: "business-licence" },
        ]),
      )
      .events();
    expect(event?.type === "BundlePublished" && event.data.dependencies).toEqual([
      { matterId: "invoice", materialId: "T02", producedBy: "business-licence" },
    ]);
    expect(event?.type === "BundlePublished" && event.data.materials.map((m) => m.key)).toEqual([
      "id-card",
      "business-licence:M02",
    ]);
  });

  it("refuses a dependency on a matter outside the bundle, on a material the matter does not list, or on itself, naming the field", () => {
    const problems = refused(
      withDeps(define([establishment, invoice]), [
        { matterId: "invoice", materialId: "LIC", producedBy: "seal" },
        { matterId: "seal", materialId: "X", producedBy: "business-licence" },
        { matterId: "invoice", materialId: "NOPE", producedBy: "business-licence" },
        { matterId: "invoice", materialId: "T01", producedBy: "invoice" },
      ]),
    );
    expect(problems.map((p) => p.field)).toEqual([
      "dependencies[0].producedBy",
      "dependencies[1].matterId",
      "dependencies[2].materialId",
      "dependencies[3].producedBy",
    ]);
    expect(
      refused(
        withDeps(define([establishment, invoice]), [
          { matterId: "invoice", materialId: "LIC", producedBy: "business-licence" },
          { matterId: "invoice", materialId: "LIC", producedBy: "business-licence" },
        ]),
      ).map((p) => p.field),
    ).toEqual(["dependencies[1]"]);
  });

  it("refuses a 2-cycle: each member waits for the other's result", () => {
    const a = produces(matter("a", market, [needs("B", "乙证")]), "甲证");
    const b = produces(matter("b", tax, [needs("A", "甲证")]), "乙证");
    const problems = refused(define([a, b]));
    expect(problems.map((p) => p.field)).toEqual(["dependencies"]);
    expect(problems[0]?.message).toContain("a → b → a");
  });

  it("refuses a 3-cycle, also when an explicit entry closes it", () => {
    const a = produces(matter("a", market, [needs("B", "乙证")]), "甲证");
    const b = produces(matter("b", tax, [needs("C", "丙证")]), "乙证");
    const c = produces(matter("c", tax, [own("X", "申请表")]), "丙证");
    // a needs b, b needs c: a chain, defined fine
    const [chain] = spec
      .given()
      .when(define([a, b, c]))
      .events();
    expect(chain?.type === "BundlePublished" && chain.data.dependencies).toHaveLength(2);
    const problems = refused(
      withDeps(define([a, b, c]), [{ matterId: "c", materialId: "X", producedBy: "a" }]),
    );
    expect(problems.map((p) => p.field)).toEqual(["dependencies"]);
    expect(problems[0]?.message).toContain("a → b → c → a");
  });

  it("asks which member produces a material two members' certificates match; an explicit entry replaces the derivation", () => {
    const other = produces(matter("branch", tax, [own("B1", "分支机构申请书")]), "营业执照");
    const problems = refused(define([establishment, invoice, other]));
    expect(problems).toEqual([
      { field: "dependencies", message: expect.stringContaining("business-licence and branch") },
    ]);
    spec
      .given()
      .when(
        withDeps(define([establishment, invoice, other]), [
          { matterId: "invoice", materialId: "LIC", producedBy: "branch" },
        ]),
      )
      .then({
        type: "BundlePublished",
        data: expect.objectContaining({
          dependencies: [{ matterId: "invoice", materialId: "LIC", producedBy: "branch" }],
        }),
      });
  });
});
