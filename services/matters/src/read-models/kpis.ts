import type { DepartmentRef } from "@gov/contracts";
import { type BaselineView, byCode, type Catalog, type MatterView } from "./catalog.ts";

/**
 * Catalog KPIs with the targets local implementation plans of the “一网、一门、一次” reform (国办发〔2018〕45号)
 * set: 网上可办率 ≥ 90 % and 最多跑一次 ≥ 90 % (广西, by the end of 2019), 即办件比率 > 60 % (德州市, 2020). Computed over matters in force (published, not suspended or retired).
 * 网上可办 here means online handling is offered at depth Ⅱ or more (online submission at least).
 */
export interface KpiFigure {
  count: number;
  total: number;
  /** count / total, 0–1, rounded to 4 places; null when there are no matters. */
  rate: number | null;
  target: { op: ">=" | ">"; value: number };
  met: boolean | null;
}

export interface CatalogKpis {
  mattersInForce: number;
  onlineAvailable: KpiFigure;
  onTheSpot: KpiFigure;
  atMostOneVisit: KpiFigure;
  zeroVisits: { count: number; total: number; rate: number | null };
}

/**
 * Materials reduced (国办发〔2018〕45号 and 韶关市 2019 通知: 企业和群众到政府办事提供的材料减少60%以上): the materials
 * the catalog still asks of applicants, against the recorded count of those asked before the reform.
 */
export interface MaterialsReduced {
  /** Materials the matters in force list (each matter's own list; a bundle's "asked once" is not counted here). */
  listed: number;
  /**
   * Of those, the ones no longer asked of the applicant, by the first reason that applies: issued by a
   * government department (source `government`; 国发〔2022〕5号: 政府部门核发的材料一律免于提交), replaced by an
   * electronic certificate, or produced by another member of a published "一件事" bundle.
   */
  notAsked: { total: number; government: number; certificate: number; producedInBundle: number };
  /** listed − notAsked.total: what applicants still hand in. */
  asked: number;
  /** The recorded baseline (`PUT /matters/kpis/materials-baseline`), or null when none is recorded yet. */
  baseline: BaselineView | null;
  /** Materials no longer asked against the baseline: baseline.count − asked (null without a baseline). */
  count: number | null;
  /** baseline.count (null without a baseline). */
  total: number | null;
  /** count / total, rounded to 4 places; negative when more is asked than before. Null without a baseline. */
  rate: number | null;
  target: { op: ">="; value: number };
  met: boolean | null;
  /** What is missing for the figure, when something is. */
  note?: string;
}

/** A KPI this service cannot compute: which service does, and where. */
export interface ComputedElsewhere {
  available: false;
  computedBy: string;
  href: string;
  note: string;
}

export interface KpiReport {
  overall: CatalogKpis;
  byDepartment: Array<{ department: DepartmentRef } & CatalogKpis>;
  materialsReduced: MaterialsReduced;
  /**
   * 一窗分类受理率 (applications received through the integrated window ÷ all; 国办发〔2018〕45号 一窗受理, 韶关市
   * 2019 通知): a figure of applications, which intake keeps, not of the catalog.
   */
  integratedWindowIntake: ComputedElsewhere;
}

export function catalogKpis(catalog: Catalog): KpiReport {
  const inForce = catalog.search().filter((m) => m.status === "published");
  const departments = new Map<string, { department: DepartmentRef; matters: MatterView[] }>();
  for (const m of inForce) {
    const entry = departments.get(m.department.creditCode) ?? { department: m.department, matters: [] };
    entry.matters.push(m);
    departments.set(m.department.creditCode, entry);
  }
  return {
    overall: kpisOf(inForce),
    byDepartment: [...departments.values()]
      .sort((a, b) => byCode(a.department.creditCode, b.department.creditCode))
      .map((d) => ({ department: d.department, ...kpisOf(d.matters) })),
    materialsReduced: materialsReduced(catalog, inForce),
    integratedWindowIntake: INTEGRATED_WINDOW_INTAKE,
  };
}

/** 一窗分类受理率 is a figure of applications: intake computes it. */
export const INTEGRATED_WINDOW_INTAKE: ComputedElsewhere = {
  available: false,
  computedBy: "intake",
  href: "/intake/kpis",
  note: "unavailable here: computed by intake at GET /intake/kpis",
};

/** The target: 材料减少60%以上 (国办发〔2018〕45号). */
export const MATERIALS_REDUCED_TARGET = 0.6;

function materialsReduced(catalog: Catalog, inForce: readonly MatterView[]): MaterialsReduced {
  const produced = new Set(
    catalog
      .bundles()
      .filter((b) => b.status === "published")
      .flatMap((b) => (b.data.dependencies ?? []).map((d) => `${d.matterId}/${d.materialId}`)),
  );
  const notAsked = { total: 0, government: 0, certificate: 0, producedInBundle: 0 };
  let listed = 0;
  for (const m of inForce) {
    for (const material of m.current?.elements.materials ?? []) {
      listed++;
      const reason =
        notAskedReason(material) ??
        (produced.has(`${m.matterId}/${material.id}`) ? "producedInBundle" : undefined);
      if (!reason) continue;
      notAsked[reason]++;
      notAsked.total++;
    }
  }
  return materialsReducedFrom(listed, notAsked, catalog.baseline("materials-asked") ?? null);
}

/** Why a material is not asked of the applicant, as far as its own matter tells (bundles aside). */
export const notAskedReason = (material: {
  source?: string;
  replacedByCertificate?: unknown;
}): "government" | "certificate" | undefined =>
  material.source === "government"
    ? "government"
    : material.replacedByCertificate
      ? "certificate"
      : undefined;

/** Materials reduced from the counts and the recorded baseline. */
export function materialsReducedFrom(
  listed: number,
  notAsked: MaterialsReduced["notAsked"],
  baseline: BaselineView | null,
): MaterialsReduced {
  const asked = listed - notAsked.total;
  const target = { op: ">=" as const, value: MATERIALS_REDUCED_TARGET };
  if (!baseline) {
    return {
      listed,
      notAsked,
      asked,
      baseline: null,
      count: null,
      total: null,
      rate: null,
      target,
      met: null,
      note: "no baseline recorded: PUT /matters/kpis/materials-baseline with the count of materials asked before the reform",
    };
  }
  const count = baseline.count - asked;
  const r = rate(count, baseline.count);
  return {
    listed,
    notAsked,
    asked,
    baseline,
    count,
    total: baseline.count,
    rate: r,
    target,
    met: r === null ? null : r >= MATERIALS_REDUCED_TARGET,
  };
}

function kpisOf(matters: MatterView[]): CatalogKpis {
  const elements = matters.flatMap((m) => (m.current ? [m.current.elements] : []));
  const count = (predicate: (e: (typeof elements)[number]) => boolean) => elements.filter(predicate).length;
  return kpisFromCounts({
    total: elements.length,
    onlineAvailable: count(isOnlineAvailable),
    onTheSpot: count((e) => e.caseKind === "on-the-spot"),
    atMostOneVisit: count((e) => e.onSiteVisits <= 1),
    zeroVisits: count((e) => e.onSiteVisits === 0),
  });
}

/** 网上可办: online handling offered at depth Ⅱ or more (online submission at least). */
export const isOnlineAvailable = (e: { handlingForms: readonly string[]; onlineDepth: number }) =>
  e.handlingForms.includes("online") && e.onlineDepth >= 2;

/** How many matters in force there are and how many of them count for each KPI. */
export interface KpiCounts {
  total: number;
  onlineAvailable: number;
  onTheSpot: number;
  atMostOneVisit: number;
  zeroVisits: number;
}

/** The KPI figures from the counts (the in-memory catalog counts its matters; the SQL model counts rows). */
export function kpisFromCounts(c: KpiCounts): CatalogKpis {
  const { total } = c;
  return {
    mattersInForce: total,
    onlineAvailable: figure(c.onlineAvailable, total, ">=", 0.9),
    onTheSpot: figure(c.onTheSpot, total, ">", 0.6),
    atMostOneVisit: figure(c.atMostOneVisit, total, ">=", 0.9),
    zeroVisits: { count: c.zeroVisits, total, rate: rate(c.zeroVisits, total) },
  };
}

function figure(count: number, total: number, op: ">=" | ">", value: number): KpiFigure {
  const r = rate(count, total);
  return {
    count,
    total,
    rate: r,
    target: { op, value },
    met: r === null ? null : op === ">=" ? r >= value : r > value,
  };
}

function rate(count: number, total: number): number | null {
  return total === 0 ? null : Math.round((count / total) * 10_000) / 10_000;
}
