import type { MattersEventData } from "@gov/contracts";
import { NotFound, RuleViolation, StateConflict } from "../errors.ts";
import type { BundleCommand, BundledMatter, BundleEvent, BundleState } from "./bundle.ts";

type MergedMaterial = MattersEventData["BundlePublished"]["materials"][number];

export function decideBundle(command: BundleCommand, state: BundleState): BundleEvent[] {
  switch (command.type) {
    case "DefineBundle": {
      if (state.status === "retired") throw new StateConflict(`bundle ${state.bundleId} is retired`);
      const { bundleId, name, leadDepartment, matters } = command.data;
      const problems = checkBundle(command.data);
      if (problems.length > 0) throw new RuleViolation(problems);
      const version = state.status === "published" ? state.version + 1 : 1;
      return [
        {
          type: "BundlePublished",
          data: {
            bundleId,
            name,
            version,
            leadDepartment,
            matters: matters.map((m) => ({
              matterId: m.matterId,
              version: m.version,
              department: {
                creditCode: m.elements.implementingDepartment.creditCode,
                name: m.elements.implementingDepartment.name,
              },
            })),
            materials: mergeMaterials(matters),
          },
        },
      ];
    }
    case "RetireBundle": {
      if (state.status === "none") throw new NotFound("bundle does not exist");
      if (state.status === "retired") throw new StateConflict(`bundle ${state.bundleId} is already retired`);
      return [{ type: "BundleRetired", data: { bundleId: state.bundleId, reason: command.data.reason } }];
    }
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

function checkBundle(data: Extract<BundleCommand, { type: "DefineBundle" }>["data"]) {
  const problems: { field: string; message: string }[] = [];
  const ids = data.matters.map((m) => m.matterId);
  // 一件事 = several matters, one window, one set of materials (seed 004 §三(三)1).
  if (new Set(ids).size < 2)
    problems.push({ field: "matterIds", message: "a bundle needs at least two different matters" });
  if (new Set(ids).size !== ids.length)
    problems.push({ field: "matterIds", message: "a matter appears twice" });
  data.matters.forEach((m, i) => {
    if (m.suspended)
      problems.push({ field: `matterIds[${i}]`, message: `matter ${m.matterId} is suspended` });
  });
  const departments = new Set(data.matters.map((m) => m.elements.implementingDepartment.creditCode));
  if (!departments.has(data.leadDepartment.creditCode)) {
    problems.push({
      field: "leadDepartment",
      message: "the lead department (牵头部门) must implement one of the matters",
    });
  }
  return problems;
}

/**
 * One set of materials (一套材料, seed 001; seed 004 §三(三)1): materials with the same `sharedKey` are asked once and
 * satisfy every matter that lists them; the rest keep one entry each, keyed `<matterId>:<materialId>`.
 */
export function mergeMaterials(matters: readonly BundledMatter[]): MergedMaterial[] {
  const merged = new Map<string, MergedMaterial>();
  for (const m of matters) {
    for (const material of m.elements.materials) {
      const key = material.sharedKey ?? `${m.matterId}:${material.id}`;
      const entry = merged.get(key);
      if (entry) entry.satisfies.push({ matterId: m.matterId, materialId: material.id });
      else
        merged.set(key, {
          key,
          name: material.name,
          satisfies: [{ matterId: m.matterId, materialId: material.id }],
        });
    }
  }
  return [...merged.values()];
}
