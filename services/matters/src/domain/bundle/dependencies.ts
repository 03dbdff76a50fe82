import type { FieldProblem } from "@gov/eventsourcing";
import type { BundleDependency, BundledMatter } from "./bundle.ts";

/**
 * Which member of a "一件事" bundle needs which other member's result. A member's material is produced inside
 * the bundle when
 * - another member's result is a certificate (`elements.result.type` `certificate`) whose name is the
 *   electronic certificate that replaces the material (`replacedByCertificate`): derived from the catalog, e.g.
 *   营业执照 from 企业设立登记 for 印章刻制备案's 营业执照; or
 * - the define-bundle request says so (`dependencies`), for data the catalog cannot match. An explicit entry
 *   for a material replaces what would be derived for it.
 * The applicant cannot hold a result the bundle has not produced yet, so it is never asked for and the dependent
 * member waits for it: what a department of the bundle issues is government-issued (政府部门核发的材料一律免于
 * 提交, 国发〔2022〕5号), and related matters are handled together with the fewest materials (关联事项集成办,
 * 办事材料最简化: 国发〔2024〕3号).
 *
 * The problems name the request's fields: `dependencies[i].<field>` for an entry that does not fit the members,
 * `dependencies` for a material two members could produce and for a cycle.
 */
export function bundleDependencies(
  matters: readonly BundledMatter[],
  explicit: readonly BundleDependency[] = [],
): { dependencies: BundleDependency[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const byId = new Map(matters.map((m) => [m.matterId, m]));
  const keyOf = (d: { matterId: string; materialId: string }) => `${d.matterId}\u0000${d.materialId}`;
  const chosen = new Map<string, BundleDependency>();

  explicit.forEach((d, i) => {
    const at = `dependencies[${i}]`;
    const before = problems.length;
    const dependent = byId.get(d.matterId);
    if (!dependent)
      problems.push({ field: `${at}.matterId`, message: `matter ${d.matterId} is not in the bundle` });
    else if (!dependent.elements.materials.some((x) => x.id === d.materialId))
      problems.push({
        field: `${at}.materialId`,
        message: `matter ${d.matterId} lists no material ${d.materialId}`,
      });
    if (!byId.has(d.producedBy))
      problems.push({ field: `${at}.producedBy`, message: `matter ${d.producedBy} is not in the bundle` });
    else if (d.producedBy === d.matterId)
      problems.push({
        field: `${at}.producedBy`,
        message: `matter ${d.matterId} cannot need its own result (a cycle of one)`,
      });
    if (problems.length > before) return;
    if (chosen.has(keyOf(d)))
      problems.push({
        field: at,
        message: `material ${d.materialId} of ${d.matterId} is listed twice; one member produces it`,
      });
    else chosen.set(keyOf(d), { matterId: d.matterId, materialId: d.materialId, producedBy: d.producedBy });
  });

  const dependencies: BundleDependency[] = [];
  for (const dependent of matters) {
    for (const material of dependent.elements.materials) {
      const key = keyOf({ matterId: dependent.matterId, materialId: material.id });
      const given = chosen.get(key);
      if (given) {
        dependencies.push(given);
        continue;
      }
      if (!material.replacedByCertificate) continue;
      const producers = matters.filter(
        (p) =>
          p.matterId !== dependent.matterId &&
          p.elements.result.type === "certificate" &&
          p.elements.result.name === material.replacedByCertificate,
      );
      const [producer, ...others] = producers;
      if (!producer) continue;
      if (others.length > 0) {
        problems.push({
          field: "dependencies",
          message: `${material.name} (${dependent.matterId} ${material.id}) is the result of ${producers
            .map((p) => p.matterId)
            .join(" and ")}: name its producer in dependencies`,
        });
        continue;
      }
      dependencies.push({
        matterId: dependent.matterId,
        materialId: material.id,
        producedBy: producer.matterId,
      });
    }
  }
  for (const cycle of cyclesOf(
    matters.map((m) => m.matterId),
    dependencies,
  )) {
    problems.push({
      field: "dependencies",
      message: `the members wait for each other in a cycle, so none of them can start: ${cycle.join(" → ")}`,
    });
  }
  return { dependencies, problems };
}

/**
 * The cycles of "needs the result of" among the members (depth-first search; each cycle is reported once,
 * from the member where the search first closed it, e.g. `a → b → a`).
 */
export function cyclesOf(members: readonly string[], dependencies: readonly BundleDependency[]): string[][] {
  const needs = new Map<string, string[]>(members.map((m) => [m, []]));
  for (const d of dependencies) {
    const list = needs.get(d.matterId);
    if (list && !list.includes(d.producedBy)) list.push(d.producedBy);
  }
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const cycles: string[][] = [];
  const visit = (m: string) => {
    state.set(m, "open");
    path.push(m);
    for (const next of needs.get(m) ?? []) {
      if (state.get(next) === "open") cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(m, "done");
  };
  for (const m of members) if (!state.has(m)) visit(m);
  return cycles;
}
