import type { DepartmentRef } from "@gov/contracts";
import type { Catalog, MatterView } from "./catalog.ts";

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

export interface KpiReport {
  overall: CatalogKpis;
  byDepartment: Array<{ department: DepartmentRef } & CatalogKpis>;
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
      .sort((a, b) => a.department.creditCode.localeCompare(b.department.creditCode))
      .map((d) => ({ department: d.department, ...kpisOf(d.matters) })),
  };
}

function kpisOf(matters: MatterView[]): CatalogKpis {
  const elements = matters.flatMap((m) => (m.current ? [m.current.elements] : []));
  const total = elements.length;
  const count = (predicate: (e: (typeof elements)[number]) => boolean) => elements.filter(predicate).length;
  return {
    mattersInForce: total,
    onlineAvailable: figure(
      count((e) => e.handlingForms.includes("online") && e.onlineDepth >= 2),
      total,
      ">=",
      0.9,
    ),
    onTheSpot: figure(
      count((e) => e.caseKind === "on-the-spot"),
      total,
      ">",
      0.6,
    ),
    atMostOneVisit: figure(
      count((e) => e.onSiteVisits <= 1),
      total,
      ">=",
      0.9,
    ),
    zeroVisits: {
      count: count((e) => e.onSiteVisits === 0),
      total,
      rate: rate(
        count((e) => e.onSiteVisits === 0),
        total,
      ),
    },
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
